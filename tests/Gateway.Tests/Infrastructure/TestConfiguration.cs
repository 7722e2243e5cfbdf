namespace Gateway.Tests.Infrastructure;

/// <summary>Copies of the committed configuration that a test may edit.</summary>
internal static class TestConfiguration
{
    public static string Source => Path.Combine(AppContext.BaseDirectory, "config");

    public static string CopyToTemporaryDirectory()
    {
        var target = Directory.CreateTempSubdirectory("gateway-config-").FullName;
        foreach (var file in Directory.GetFiles(Source, "*.json", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(Source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }

        return target;
    }

    /// <summary>Replaces a file whole, as deployments do (write aside, then rename), so no half-written file is ever read.</summary>
    public static async Task ReplaceAsync(string path, string content)
    {
        var aside = path + ".new";
        await File.WriteAllTextAsync(aside, content);
        File.Move(aside, path, overwrite: true);
    }
}
