namespace SentinelSync.Testing;

/// <summary>
/// Finds the repository checkout the tests run from: the nearest folder above the test binaries
/// that holds <c>SentinelSync.sln</c>.
/// </summary>
public static class RepositoryRoot
{
    private const string SolutionFileName = "SentinelSync.sln";

    private static readonly Lazy<string> Root = new(Locate);

    /// <summary>Gets the absolute path of the repository root.</summary>
    /// <exception cref="InvalidOperationException">No folder above the test binaries holds the solution.</exception>
    public static string Path => Root.Value;

    /// <summary>Gets the absolute path of a file or folder given relative to the repository root.</summary>
    /// <param name="relativePath">A path such as <c>scripts/pg-cluster.sh</c>.</param>
    public static string Combine(string relativePath) => System.IO.Path.GetFullPath(System.IO.Path.Combine(Path, relativePath));

    private static string Locate()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, SolutionFileName)))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException(
            $"No folder above '{AppContext.BaseDirectory}' holds {SolutionFileName}; the tests must run from a build inside the repository.");
    }
}
