using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StreamGateway.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class Usage : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "usage_hours",
                columns: table => new
                {
                    ProjectId = table.Column<Guid>(type: "uuid", nullable: false),
                    Hour = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    SourceSeconds = table.Column<double>(type: "double precision", nullable: false),
                    TranscodedSeconds = table.Column<double>(type: "double precision", nullable: false),
                    OutputPixels = table.Column<long>(type: "bigint", nullable: false),
                    PaidWei = table.Column<decimal>(type: "numeric(78,0)", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_usage_hours", x => new { x.ProjectId, x.Hour });
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "usage_hours");
        }
    }
}
