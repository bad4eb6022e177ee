namespace StreamGateway.Orchestrator.Payments;

public static class PaymentsExtensions
{
    public static IServiceCollection AddPayments(this IServiceCollection services)
    {
        services.AddOptions<PaymentOptions>().BindConfiguration(PaymentOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ChainClock>();
        services.AddHostedService(provider => provider.GetRequiredService<ChainClock>());
        services.AddSingleton<TicketIssuer>();
        services.AddSingleton<SenderMonitor>();
        services.AddSingleton<WinningTicketStore>();
        services.AddSingleton<PaymentLedger>();
        services.AddHostedService<PaymentLedgerSweep>();
        services.AddHostedService<TicketRedeemer>();
        return services;
    }

    /// <summary>
    /// <c>GET /payments/tickets</c>: the winning tickets this orchestrator holds and what became of each. For the operator
    /// only: a pending ticket's recipientRand would let a broadcaster tell winning tickets from losing ones before sending them.
    /// </summary>
    public static WebApplication MapPayments(this WebApplication app)
    {
        app.MapGet("/payments/tickets", (WinningTicketStore store) => Results.Json(store.All())).AddEndpointFilter<AdminOnly>();
        return app;
    }
}
