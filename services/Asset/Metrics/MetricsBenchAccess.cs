using System.Runtime.CompilerServices;

// bench/metrics drives MetricStore.AppendAsync itself, the code path the service runs.
[assembly: InternalsVisibleTo("MetricsBench")]
