using Microsoft.AspNetCore.Http;

namespace StreamGateway.Core.Http;

/// <summary>Studio's error shape: <c>{"errors": ["message", ...]}</c> with <c>application/json</c>.</summary>
public sealed record ErrorBody(IReadOnlyList<string> Errors);

public static class ApiError
{
    public static IResult Status(int statusCode, params string[] messages) =>
        TypedResults.Json(new ErrorBody(messages), GatewayJson.Options, "application/json", statusCode);

    public static IResult BadRequest(params string[] messages) => Status(StatusCodes.Status400BadRequest, messages);
    public static IResult Unauthorized(string message) => Status(StatusCodes.Status401Unauthorized, message);
    public static IResult Forbidden(string message) => Status(StatusCodes.Status403Forbidden, message);
    public static IResult NotFound(string message = "not found") => Status(StatusCodes.Status404NotFound, message);
    public static IResult PayloadTooLarge(string message) => Status(StatusCodes.Status413PayloadTooLarge, message);
    public static IResult Unprocessable(IEnumerable<string> messages) =>
        Status(StatusCodes.Status422UnprocessableEntity, [.. messages]);
    public static IResult TooManyRequests(string message) => Status(StatusCodes.Status429TooManyRequests, message);

    /// <summary>Writes an error body directly, for middleware that runs outside endpoint results.</summary>
    public static Task WriteAsync(HttpContext context, int statusCode, string message)
    {
        context.Response.StatusCode = statusCode;
        return context.Response.WriteAsJsonAsync(new ErrorBody([message]), GatewayJson.Options, "application/json");
    }
}
