using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StreamGateway.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class LiveSessions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "ActiveSessionId",
                table: "streams",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "sessions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    StreamId = table.Column<Guid>(type: "uuid", nullable: false),
                    ProjectId = table.Column<Guid>(type: "uuid", nullable: false),
                    UserId = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "text", nullable: false),
                    PlaybackId = table.Column<string>(type: "text", nullable: false),
                    Record = table.Column<bool>(type: "boolean", nullable: false),
                    Profiles = table.Column<string>(type: "jsonb", nullable: false),
                    RecordingSpec = table.Column<string>(type: "jsonb", nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    LastSeen = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    EndedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    SourceSegments = table.Column<long>(type: "bigint", nullable: false),
                    SourceSegmentsDuration = table.Column<double>(type: "double precision", nullable: false),
                    SourceBytes = table.Column<long>(type: "bigint", nullable: false),
                    TranscodedSegments = table.Column<long>(type: "bigint", nullable: false),
                    TranscodedSegmentsDuration = table.Column<double>(type: "double precision", nullable: false),
                    TranscodedBytes = table.Column<long>(type: "bigint", nullable: false),
                    IngestRate = table.Column<double>(type: "double precision", nullable: true),
                    IsHealthy = table.Column<bool>(type: "boolean", nullable: true),
                    Issues = table.Column<string>(type: "jsonb", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_sessions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_sessions_streams_StreamId",
                        column: x => x.StreamId,
                        principalTable: "streams",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_sessions_ProjectId_CreatedAt_Id",
                table: "sessions",
                columns: new[] { "ProjectId", "CreatedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_sessions_StreamId_CreatedAt",
                table: "sessions",
                columns: new[] { "StreamId", "CreatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "sessions");

            migrationBuilder.DropColumn(
                name: "ActiveSessionId",
                table: "streams");
        }
    }
}
