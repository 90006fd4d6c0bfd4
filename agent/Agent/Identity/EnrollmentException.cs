namespace SentinelSync.Agent.Identity;

/// <summary>Enrollment failed; <see cref="ExitCode"/> is what <c>sentinel-agent enroll</c> exits with.</summary>
internal sealed class EnrollmentException(int exitCode, string message, Exception? inner = null) : Exception(message, inner)
{
    public int ExitCode { get; } = exitCode;
}
