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

    /// <summary>The repository's root: the folder holding StreamGateway.sln above this test assembly.</summary>
    public static string RepositoryRoot()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "StreamGateway.sln")))
        {
            root = root.Parent ?? throw new InvalidOperationException("repository root not found");
        }
        return root.FullName;
    }

    /// <summary>The gateway built in the same configuration as this test assembly.</summary>
    public static string Dll() => Built("StreamGateway.Api");

    /// <summary>The orchestrator built in the same configuration as this test assembly.</summary>
    public static string OrchestratorDll() => Built("StreamGateway.Orchestrator");

    private static string Built(string project)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        var dll = Path.Combine(RepositoryRoot(), "src", project, "bin", dir.Parent!.Name, dir.Name, project + ".dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"build {project} first", dll);
    }
}
