using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StreamGateway.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class UsageBySubject : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "PK_usage_hours",
                table: "usage_hours");

            migrationBuilder.AddColumn<Guid>(
                name: "StreamId",
                table: "usage_hours",
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            migrationBuilder.AddColumn<Guid>(
                name: "AssetId",
                table: "usage_hours",
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            migrationBuilder.AddPrimaryKey(
                name: "PK_usage_hours",
                table: "usage_hours",
                columns: new[] { "ProjectId", "Hour", "StreamId", "AssetId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "PK_usage_hours",
                table: "usage_hours");

            migrationBuilder.DropColumn(
                name: "StreamId",
                table: "usage_hours");

            migrationBuilder.DropColumn(
                name: "AssetId",
                table: "usage_hours");

            migrationBuilder.AddPrimaryKey(
                name: "PK_usage_hours",
                table: "usage_hours",
                columns: new[] { "ProjectId", "Hour" });
        }
    }
}
