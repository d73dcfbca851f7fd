// The package ships no types; the shape is prom2json's.
declare module 'parse-prometheus-text-format' {
  export interface Sample {
    labels?: Record<string, string>
    value?: string
    /** Histograms: cumulative count by upper bound. */
    buckets?: Record<string, string>
    count?: string
    sum?: string
  }
  export interface MetricFamily {
    name: string
    help: string
    type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED'
    metrics: Sample[]
  }
  // biome-ignore lint/style/noDefaultExport: the package's own export is a default one
  export default function parsePrometheusTextFormat(text: string): MetricFamily[]
}
