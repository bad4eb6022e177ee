using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StreamGateway.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class Viewership : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<double>(
                name: "DeliveredSeconds",
                table: "usage_hours",
                type: "double precision",
                nullable: false,
                defaultValue: 0.0);

            migrationBuilder.CreateTable(
                name: "view_hours",
                columns: table => new
                {
                    ProjectId = table.Column<Guid>(type: "uuid", nullable: false),
                    Hour = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    PlaybackId = table.Column<string>(type: "text", nullable: false),
                    CreatorId = table.Column<string>(type: "text", nullable: false),
                    DeviceType = table.Column<string>(type: "text", nullable: false),
                    Device = table.Column<string>(type: "text", nullable: false),
                    Os = table.Column<string>(type: "text", nullable: false),
                    Browser = table.Column<string>(type: "text", nullable: false),
                    BrowserEngine = table.Column<string>(type: "text", nullable: false),
                    Country = table.Column<string>(type: "text", nullable: false),
                    StreamId = table.Column<Guid>(type: "uuid", nullable: false),
                    AssetId = table.Column<Guid>(type: "uuid", nullable: false),
                    Sessions = table.Column<long>(type: "bigint", nullable: false),
                    Views = table.Column<long>(type: "bigint", nullable: false),
                    PlaytimeMs = table.Column<long>(type: "bigint", nullable: false),
                    TtffMsSum = table.Column<long>(type: "bigint", nullable: false),
                    TtffCount = table.Column<long>(type: "bigint", nullable: false),
                    RebufferMs = table.Column<long>(type: "bigint", nullable: false),
                    ErrorSessions = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_view_hours", x => new { x.ProjectId, x.Hour, x.PlaybackId, x.CreatorId, x.DeviceType, x.Device, x.Os, x.Browser, x.BrowserEngine, x.Country });
                });

            migrationBuilder.CreateTable(
                name: "view_sessions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ProjectId = table.Column<Guid>(type: "uuid", nullable: false),
                    PlaybackId = table.Column<string>(type: "text", nullable: false),
                    StreamId = table.Column<Guid>(type: "uuid", nullable: false),
                    AssetId = table.Column<Guid>(type: "uuid", nullable: false),
                    CreatorId = table.Column<string>(type: "text", nullable: true),
                    ViewerId = table.Column<string>(type: "text", nullable: true),
                    DeviceType = table.Column<string>(type: "text", nullable: false),
                    Device = table.Column<string>(type: "text", nullable: false),
                    Os = table.Column<string>(type: "text", nullable: false),
                    Browser = table.Column<string>(type: "text", nullable: false),
                    BrowserEngine = table.Column<string>(type: "text", nullable: false),
                    Country = table.Column<string>(type: "text", nullable: false),
                    StartedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    LastSeenAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    PlaytimeMs = table.Column<long>(type: "bigint", nullable: false),
                    DeliveredMs = table.Column<long>(type: "bigint", nullable: false),
                    PlayerReported = table.Column<bool>(type: "boolean", nullable: false),
                    TtffMs = table.Column<int>(type: "integer", nullable: true),
                    RebufferMs = table.Column<long>(type: "bigint", nullable: false),
                    Errors = table.Column<int>(type: "integer", nullable: false),
                    Started = table.Column<bool>(type: "boolean", nullable: false),
                    RolledUp = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_view_sessions", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_view_hours_ProjectId_PlaybackId_Hour",
                table: "view_hours",
                columns: new[] { "ProjectId", "PlaybackId", "Hour" });

            migrationBuilder.CreateIndex(
                name: "IX_view_sessions_LastSeenAt",
                table: "view_sessions",
                column: "LastSeenAt",
                filter: "NOT \"RolledUp\"");

            migrationBuilder.CreateIndex(
                name: "IX_view_sessions_ProjectId_LastSeenAt",
                table: "view_sessions",
                columns: new[] { "ProjectId", "LastSeenAt" });

            migrationBuilder.CreateIndex(
                name: "IX_view_sessions_ProjectId_StartedAt",
                table: "view_sessions",
                columns: new[] { "ProjectId", "StartedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "view_hours");

            migrationBuilder.DropTable(
                name: "view_sessions");

            migrationBuilder.DropColumn(
                name: "DeliveredSeconds",
                table: "usage_hours");
        }
    }
}
