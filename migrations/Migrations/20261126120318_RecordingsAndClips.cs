using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StreamGateway.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class RecordingsAndClips : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "PublicBase",
                table: "streams",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SourcePlaybackId",
                table: "assets",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "SourceSessionId",
                table: "assets",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "SourceStreamId",
                table: "assets",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_assets_SourceSessionId",
                table: "assets",
                column: "SourceSessionId");

            migrationBuilder.CreateIndex(
                name: "IX_assets_SourceStreamId",
                table: "assets",
                column: "SourceStreamId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_assets_SourceSessionId",
                table: "assets");

            migrationBuilder.DropIndex(
                name: "IX_assets_SourceStreamId",
                table: "assets");

            migrationBuilder.DropColumn(
                name: "PublicBase",
                table: "streams");

            migrationBuilder.DropColumn(
                name: "SourcePlaybackId",
                table: "assets");

            migrationBuilder.DropColumn(
                name: "SourceSessionId",
                table: "assets");

            migrationBuilder.DropColumn(
                name: "SourceStreamId",
                table: "assets");
        }
    }
}
