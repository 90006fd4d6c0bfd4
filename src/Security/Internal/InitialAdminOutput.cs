namespace SentinelSync.Security.Internal;

/// <summary>Where the generated initial admin password is printed: standard output, or a test's writer.</summary>
internal sealed class InitialAdminOutput
{
    public InitialAdminOutput()
        : this(Console.Out)
    {
    }

    public InitialAdminOutput(TextWriter writer) => Writer = writer;

    public TextWriter Writer { get; }
}
