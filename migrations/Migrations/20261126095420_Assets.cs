using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StreamGateway.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class Assets : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "assets",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ProjectId = table.Column<Guid>(type: "uuid", nullable: false),
                    UserId = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "text", nullable: false),
                    PlaybackId = table.Column<string>(type: "text", nullable: false),
                    Phase = table.Column<string>(type: "text", nullable: false),
                    Progress = table.Column<double>(type: "double precision", nullable: true),
                    ErrorMessage = table.Column<string>(type: "text", nullable: true),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    SourceType = table.Column<string>(type: "text", nullable: false),
                    SourceUrl = table.Column<string>(type: "text", nullable: true),
                    Profiles = table.Column<string>(type: "jsonb", nullable: true),
                    StaticMp4 = table.Column<bool>(type: "boolean", nullable: false),
                    PlaybackPolicy = table.Column<string>(type: "jsonb", nullable: true),
                    CreatorId = table.Column<string>(type: "jsonb", nullable: true),
                    CreatedByTokenName = table.Column<string>(type: "text", nullable: true),
                    Size = table.Column<long>(type: "bigint", nullable: true),
                    UploadLength = table.Column<long>(type: "bigint", nullable: true),
                    UploadOffset = table.Column<long>(type: "bigint", nullable: false),
                    VideoSpec = table.Column<string>(type: "jsonb", nullable: true),
                    HasPlayback = table.Column<bool>(type: "boolean", nullable: false),
                    Mp4s = table.Column<string>(type: "jsonb", nullable: true),
                    HasThumbnails = table.Column<bool>(type: "boolean", nullable: false),
                    PublicBase = table.Column<string>(type: "text", nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    DeletedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_assets", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "tasks",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ProjectId = table.Column<Guid>(type: "uuid", nullable: false),
                    UserId = table.Column<Guid>(type: "uuid", nullable: false),
                    Type = table.Column<string>(type: "text", nullable: false),
                    InputAssetId = table.Column<Guid>(type: "uuid", nullable: true),
                    OutputAssetId = table.Column<Guid>(type: "uuid", nullable: true),
                    Params = table.Column<string>(type: "jsonb", nullable: true),
                    Phase = table.Column<string>(type: "text", nullable: false),
                    Progress = table.Column<double>(type: "double precision", nullable: true),
                    ErrorMessage = table.Column<string>(type: "text", nullable: true),
                    Retries = table.Column<int>(type: "integer", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Output = table.Column<string>(type: "jsonb", nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ScheduledAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_tasks", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_assets_PlaybackId",
                table: "assets",
                column: "PlaybackId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_assets_ProjectId_CreatedAt_Id",
                table: "assets",
                columns: new[] { "ProjectId", "CreatedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_tasks_OutputAssetId",
                table: "tasks",
                column: "OutputAssetId");

            migrationBuilder.CreateIndex(
                name: "IX_tasks_ProjectId_CreatedAt_Id",
                table: "tasks",
                columns: new[] { "ProjectId", "CreatedAt", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "assets");

            migrationBuilder.DropTable(
                name: "tasks");
        }
    }
}
