using System.Diagnostics;

namespace StreamGateway.Tests.Integration;

/// <summary>Runs the gateway built beside this test assembly as a process of its own, with the settings given.</summary>
internal static class GatewayProcess
{
    public static Process Start(string dll, Dictionary<string, string> settings, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        foreach (var (name, value) in settings)
        {
            info.Environment[name] = value;
        }
        return Process.Start(info)!;
    }

    /// <summary>The gateway built in the same configuration as this test assembly.</summary>
    public static string Dll()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        var framework = dir.Name;
        var configuration = dir.Parent!.Name;
        var root = dir;
        while (!File.Exists(Path.Combine(root.FullName, "StreamGateway.sln")))
        {
            root = root.Parent ?? throw new InvalidOperationException("repository root not found");
        }
        var dll = Path.Combine(root.FullName, "src", "StreamGateway.Api", "bin", configuration, framework, "StreamGateway.Api.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("build the gateway first", dll);
    }
}
