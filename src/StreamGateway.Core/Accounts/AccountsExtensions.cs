namespace StreamGateway.Core.Accounts;

public static class AccountsExtensions
{
    /// <summary>API keys and dashboard sign-ins: the authentication and rate limits every /api call goes through, and the admin commands that issue keys.</summary>
    public static IServiceCollection AddAccounts(this IServiceCollection services)
    {
        services.AddOptions<ApiLimitOptions>().BindConfiguration(ApiLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ApiRateLimits>();
        services.AddOptions<UserOptions>().BindConfiguration(UserOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<UserSessions>();
        services.AddSingleton<ApiKeyAuthentication>();
        services.AddScoped<AccountAdmin>();
        return services;
    }
}
