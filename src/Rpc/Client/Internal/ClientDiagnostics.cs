using System.Diagnostics;
using System.Net.Http.Headers;
using Grpc.Core;

namespace Grpc.Net.Client.Internal;

/// <summary>Tracing of client calls: one <see cref="Activity"/> per call and W3C trace context in the request headers.</summary>
internal static class ClientDiagnostics
{
    /// <summary>The name of the runtime's <see cref="System.Diagnostics.ActivitySource"/>, shared with the server side.</summary>
    public const string ActivitySourceName = "SentinelSync.Rpc";

    public static readonly ActivitySource ActivitySource = new(ActivitySourceName);

    /// <summary>Starts the call's activity; null when nobody listens.</summary>
    public static Activity? StartCall(GrpcMethodInfo method)
    {
        if (!ActivitySource.HasListeners())
        {
            return null;
        }

        var activity = ActivitySource.StartActivity(method.ActivityName, ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("rpc.system", "grpc");
            activity.SetTag("rpc.service", method.ServiceName);
            activity.SetTag("rpc.method", method.MethodName);
        }

        return activity;
    }

    /// <summary>
    /// Writes <c>traceparent</c> (and <c>tracestate</c>, baggage) of the call's activity, or of the ambient one
    /// when nobody listens to the runtime's source, unless the caller already set them as metadata.
    /// </summary>
    public static void InjectTraceContext(Activity? activity, HttpRequestHeaders headers)
    {
        activity ??= Activity.Current;
        if (activity is null || headers.NonValidated.Contains(Grpc.Core.Internal.GrpcProtocol.TraceParentHeader))
        {
            return;
        }

        DistributedContextPropagator.Current.Inject(activity, headers, static (carrier, name, value) =>
        {
            if (value is not null)
            {
                ((HttpRequestHeaders)carrier!).TryAddWithoutValidation(name, value);
            }
        });
    }

    /// <summary>Records the outcome and stops the activity without disturbing the caller's current activity.</summary>
    public static void StopCall(Activity activity, Status status)
    {
        if (activity.IsAllDataRequested)
        {
            activity.SetTag("rpc.grpc.status_code", (int)status.StatusCode);
            if (status.StatusCode != StatusCode.OK)
            {
                activity.SetStatus(ActivityStatusCode.Error, status.Detail);
            }
        }

        // Stop() makes the activity's parent current in the calling context; the call may end on a
        // thread (a user's Dispose, a cancellation callback) whose current activity is unrelated.
        var current = Activity.Current;
        activity.Stop();
        if (current != activity)
        {
            Activity.Current = current;
        }
    }
}
