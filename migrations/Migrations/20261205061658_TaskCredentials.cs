using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StreamGateway.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class TaskCredentials : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<byte[]>(
                name: "SealedCredentials",
                table: "tasks",
                type: "bytea",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "SealedCredentials",
                table: "tasks");
        }
    }
}
