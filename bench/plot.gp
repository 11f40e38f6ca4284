# bench/plot.gp: the figure of `make bench-compare`, called by compare.sh as
#   gnuplot -e "dir='WORKDIR'; have_cpu=1; have_hs=1; have_mem=1" bench/plot.gp
# Reads cpu.dat (label, "what", server CPU us per operation), handshakes.dat
# (label, "what", handshakes per server CPU-second) and memory.dat ("what",
# bytes), each only when its have_ flag is 1; writes bench.png.
if (!exists("dir")) dir = "build/bench-compare"
if (!exists("have_cpu")) have_cpu = 1
if (!exists("have_hs")) have_hs = 1
if (!exists("have_mem")) have_mem = 1
panels = have_cpu + have_hs + have_mem
if (panels == 0) exit

set terminal pngcairo size 500 * panels + 100, 560 font "DejaVu Sans,10" noenhanced
set output dir."/bench.png"
set datafile separator "\t"
set style fill solid 0.8 border -1
set boxwidth 0.7
set grid ytics
set xtics rotate by 35 right nomirror
set key off
set lmargin 16
set bmargin 11
set multiplot layout 1, panels title "amfgate next to nginx and redis on the same machine (server pinned to one core)"

if (have_cpu) {
  set title "Server CPU per operation (lower is better)"
  set ylabel "microseconds of server CPU"
  set yrange [0:*]
  plot dir."/cpu.dat" using 0:3:xtic(2) with boxes lc rgb "#4878a8", \
       "" using 0:3:(sprintf("%.1f", $3)) with labels offset 0,0.7
}
if (have_hs) {
  set title "TLS handshakes per server CPU-second (higher is better)"
  set ylabel "handshakes per CPU-second (log scale)"
  set logscale y
  set yrange [10:*]
  plot dir."/handshakes.dat" using 0:3:xtic(2) with boxes lc rgb "#6a9f58", \
       "" using 0:3:(sprintf("%.0f", $3)) with labels offset 0,0.7
  unset logscale y
}
if (have_mem) {
  set title "Memory per live session or key (lower is better)"
  set ylabel "bytes"
  set yrange [0:*]
  plot dir."/memory.dat" using 0:2:xtic(1) with boxes lc rgb "#c0704a", \
       "" using 0:2:(sprintf("%.0f", $2)) with labels offset 0,0.7
}
unset multiplot
