namespace SentinelSync.InteropClient;

/// <summary>An interop case's assertion did not hold.</summary>
public sealed class InteropCaseFailedException : Exception
{
    /// <summary>Creates the failure with what was expected and seen.</summary>
    public InteropCaseFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the failure with its cause.</summary>
    public InteropCaseFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an empty failure.</summary>
    public InteropCaseFailedException()
    {
    }
}
