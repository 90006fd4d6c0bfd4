namespace SentinelSync.Agent.Commands;

/// <summary>The exit codes of <c>sentinel-agent</c>; agent/README.md lists them for operators.</summary>
internal static class ExitCodes
{
    /// <summary>Done; for <c>run</c>: stopped by SIGTERM or Ctrl-C after closing the stream.</summary>
    public const int Ok = 0;

    /// <summary>Something unexpected; the message says what.</summary>
    public const int Failure = 1;

    /// <summary>A bad argument or configuration setting; the message names it.</summary>
    public const int Usage = 2;

    /// <summary><c>enroll</c>: an identity exists already and <c>--force</c> was not given.</summary>
    public const int AlreadyEnrolled = 3;

    /// <summary><c>enroll</c>: the platform refused (token unknown, expired, revoked or used up; bad CSR).</summary>
    public const int Refused = 4;

    /// <summary><c>enroll</c>: the platform could not be reached or failed.</summary>
    public const int Unreachable = 5;

    /// <summary><c>enroll</c>: the server's certificate does not chain to the pinned CA; the token was not sent.</summary>
    public const int UntrustedServer = 6;

    /// <summary><c>run</c>: the agent was never enrolled (or its identity cannot be read).</summary>
    public const int NotEnrolled = 7;
}
