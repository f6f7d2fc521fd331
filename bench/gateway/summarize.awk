# Raw lines: <target> <load> RESULT <rps> <p50us> <p90us> <p99us> <non2xx> <errors>
# Prints, per load, each target's median req/s, p50/p99 (ms), latency added over direct, and
# throughput relative to direct, YARP and Portkey when they were measured.
function median(list,   n, a, i, j, t) {
  n = split(list, a, " ")
  for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
  return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
{
  key = $1 SUBSEP $2
  rps[key] = rps[key] " " $4; p50[key] = p50[key] " " $5; p99[key] = p99[key] " " $7
  bad[key] += $8 + $9
  if (!($2 in seenLoad)) { seenLoad[$2] = 1; loads[++nl] = $2 }
  if (!($1 in seenTarget)) { seenTarget[$1] = 1; targets[++nt] = $1 }
}
END {
  printf "| load | target | req/s | p50 ms | p99 ms | added p50 / p99 ms | vs direct | vs yarp | vs portkey | errors |\n"
  printf "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n"
  for (l = 1; l <= nl; l++) {
    load = loads[l]
    d = SUBSEP load
    dr = median(rps["direct" d]); d50 = median(p50["direct" d]) / 1000; d99 = median(p99["direct" d]) / 1000
    yr = ("yarp" d) in rps ? median(rps["yarp" d]) : 0
    pr = ("portkey" d) in rps ? median(rps["portkey" d]) : 0
    for (t = 1; t <= nt; t++) {
      k = targets[t] d
      if (!(k in rps)) continue
      r = median(rps[k]); m50 = median(p50[k]) / 1000; m99 = median(p99[k]) / 1000
      added = targets[t] == "direct" ? "" : sprintf("+%.3f / +%.3f", m50 - d50, m99 - d99)
      printf "| %s | %s | %.0f | %.3f | %.3f | %s | %.2f | %s | %s | %d |\n", load, targets[t], r, m50, m99, added,
        r / dr, yr ? sprintf("%.2f", r / yr) : "-", pr ? sprintf("%.1f", r / pr) : "-", bad[k]
    }
  }
}
