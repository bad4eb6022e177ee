using System.Diagnostics;

namespace StreamGateway.Tests.Integration;

/// <summary>Runs <c>./dev</c> with the settings `./dev test` exported, to stop and start the parts it runs.</summary>
internal static class DevCommand
{
    public static Task RunAsync(params string[] args) => RunAsync(new Dictionary<string, string>(), args);

    public static async Task RunAsync(Dictionary<string, string> environment, params string[] args)
    {
        var root = GatewayProcess.RepositoryRoot();
        var info = new ProcessStartInfo(Path.Combine(root, "dev")) { WorkingDirectory = root, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"./dev {string.Join(' ', args)} failed: {await stdout}{await stderr}");
    }
}
