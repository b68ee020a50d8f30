;; The SIMD first gate of `oauth-diagnose scan`: finds the lines of a chunk of log text that may
;; hold one of the candidate stems (src/core/logs/candidateFilter.ts), 16 bytes at a time, and
;; counts every line on the way. Compiled to dist/candidateScan.wasm by scripts/build.mjs (wabt).
;;
;; How: the "Teddy" algorithm of Hyperscan/ripgrep. Each stem's first three bytes, folded to
;; lower case (byte | 0x20), are put in one of 8 buckets; six 16-byte tables (low and high nibble
;; of bytes 0, 1, 2) hold, per nibble value, the buckets that allow it. Per 16 input positions,
;; i8x16.swizzle looks the nibbles up and ANDs them: a lane left non-zero may start a stem. Such a
;; lane is checked against the stems themselves (folded); a line with a match is reported and the scan jumps to the next line. The caller confirms each
;; reported line with the exact regex: this gate may report more lines, never fewer.
;;
;; Memory layout (written by the caller, see src/cli/candidateScan.ts):
;;   0..95     six Teddy tables: LO0 HI0 LO1 HI1 LO2 HI2, 16 bytes each
;;   124       i32: number of stems N (at most 32)
;;   128+4k    i32: the first four folded bytes of stem k, little-endian
;;   256+4k    i32: where the rest of stem k is (address << 8 | length)
;;   512..     the rest of every stem, folded
;;   4096..    output records, 16 bytes each: newlines before the line (from `start`), line start,
;;             line end (the index of its '\n'), 1 when a line between the previous record (or
;;             `start`) and this one opens a timestamped entry ("[" and a digit)
;;   input     anywhere above, followed by at least 32 readable bytes
;;
;; scan(start, end, cap) reads [start, end): start is a line start, end is just past a '\n'.
;; Returns the records written (at most cap). Then the globals say where it stopped (next: end
;; when done, else the line start to call again from), the newlines in [start, next), and whether
;; a line after the last record opens an entry (open).
(module
  (memory (export "memory") 1)
  (global $next (export "next") (mut i32) (i32.const 0))
  (global $lines (export "lines") (mut i32) (i32.const 0))
  (global $open (export "open") (mut i32) (i32.const 0))

  ;; 1 when the line starting at p (p < end) begins with "[" and a digit.
  (func $opensAt (param $p i32) (param $end i32) (result i32)
    (if (result i32) (i32.ge_u (local.get $p) (local.get $end))
      (then (i32.const 0))
      (else
        (i32.and
          (i32.eq (i32.load8_u (local.get $p)) (i32.const 91))
          (i32.lt_u (i32.sub (i32.load8_u offset=1 (local.get $p)) (i32.const 48)) (i32.const 10))))))

  ;; 1 when one of the stems starts at p (folded compare: its first four bytes as one word, then the rest).
  (func $stemAt (param $p i32) (result i32)
    (local $w i32) (local $k i32) (local $n i32) (local $rest i32) (local $at i32) (local $len i32) (local $x i32)
    (local.set $w (i32.or (i32.load (local.get $p)) (i32.const 0x20202020)))
    (local.set $n (i32.load (i32.const 124)))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $k) (local.get $n)))
        (if (i32.eq (local.get $w) (i32.load offset=128 (i32.shl (local.get $k) (i32.const 2))))
          (then
            (local.set $rest (i32.load offset=256 (i32.shl (local.get $k) (i32.const 2))))
            (local.set $at (i32.shr_u (local.get $rest) (i32.const 8)))
            (local.set $len (i32.and (local.get $rest) (i32.const 0xff)))
            (local.set $x (i32.const 0))
            (block $differs
              (loop $bytes
                (if (i32.ge_u (local.get $x) (local.get $len)) (then (return (i32.const 1))))
                (br_if $differs (i32.ne
                  (i32.or (i32.load8_u offset=4 (i32.add (local.get $p) (local.get $x))) (i32.const 0x20))
                  (i32.load8_u (i32.add (local.get $at) (local.get $x)))))
                (local.set $x (i32.add (local.get $x) (i32.const 1)))
                (br $bytes)))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $each)))
    (i32.const 0))

  ;; The index of the first '\n' at or after p (there is one before end).
  (func $lineEnd (param $p i32) (result i32)
    (local $m i32)
    (loop $blocks
      (local.set $m (i8x16.bitmask (i8x16.eq (v128.load (local.get $p)) (i8x16.splat (i32.const 10)))))
      (if (local.get $m) (then (return (i32.add (local.get $p) (i32.ctz (local.get $m))))))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (br $blocks))
    (unreachable))

  (func (export "scan") (param $start i32) (param $end i32) (param $cap i32) (result i32)
    (local $i i32) (local $nl i32) (local $ls i32) (local $lsOpens i32) (local $open i32)
    (local $count i32) (local $out i32)
    (local $r0 v128) (local $r1 v128) (local $r2 v128) (local $v v128) (local $t v128)
    (local $nib v128) (local $lo0 v128) (local $hi0 v128) (local $lo1 v128) (local $hi1 v128) (local $lo2 v128) (local $hi2 v128)
    (local $tmask i32) (local $nlmask i32) (local $bmask i32) (local $valid i32) (local $lim i32)
    (local $j i32) (local $bit i32) (local $below i32) (local $last i32) (local $lineStart i32)
    (local $lineNl i32) (local $lineOpen i32) (local $e i32) (local $above i32)
    (local.set $i (local.get $start))
    (local.set $ls (local.get $start))
    (local.set $lsOpens (call $opensAt (local.get $start) (local.get $end)))
    (local.set $out (i32.const 4096))
    (local.set $nib (i8x16.splat (i32.const 0x0f)))
    (local.set $lo0 (v128.load (i32.const 0)))
    (local.set $hi0 (v128.load (i32.const 16)))
    (local.set $lo1 (v128.load (i32.const 32)))
    (local.set $hi1 (v128.load (i32.const 48)))
    (local.set $lo2 (v128.load (i32.const 64)))
    (local.set $hi2 (v128.load (i32.const 80)))
    (block $finished
      (loop $block
        (br_if $finished (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $r0 (v128.load (local.get $i)))
        (local.set $r1 (v128.load offset=1 (local.get $i)))
        (local.set $r2 (v128.load offset=2 (local.get $i)))
        ;; Teddy: AND of the six nibble lookups of the folded bytes.
        (local.set $v (v128.or (local.get $r0) (i8x16.splat (i32.const 0x20))))
        (local.set $t (v128.and
          (i8x16.swizzle (local.get $lo0) (v128.and (local.get $v) (local.get $nib)))
          (i8x16.swizzle (local.get $hi0) (i8x16.shr_u (local.get $v) (i32.const 4)))))
        (local.set $v (v128.or (local.get $r1) (i8x16.splat (i32.const 0x20))))
        (local.set $t (v128.and (local.get $t) (v128.and
          (i8x16.swizzle (local.get $lo1) (v128.and (local.get $v) (local.get $nib)))
          (i8x16.swizzle (local.get $hi1) (i8x16.shr_u (local.get $v) (i32.const 4))))))
        (local.set $v (v128.or (local.get $r2) (i8x16.splat (i32.const 0x20))))
        (local.set $t (v128.and (local.get $t) (v128.and
          (i8x16.swizzle (local.get $lo2) (v128.and (local.get $v) (local.get $nib)))
          (i8x16.swizzle (local.get $hi2) (i8x16.shr_u (local.get $v) (i32.const 4))))))
        (local.set $tmask (i8x16.bitmask (i8x16.ne (local.get $t) (v128.const i64x2 0 0))))
        (local.set $nlmask (i8x16.bitmask (i8x16.eq (local.get $r0) (i8x16.splat (i32.const 10)))))
        ;; Lanes past the end of the region do not count.
        (local.set $valid (i32.const 0xffff))
        (if (i32.lt_u (i32.sub (local.get $end) (local.get $i)) (i32.const 16))
          (then
            (local.set $valid (i32.sub (i32.shl (i32.const 1) (i32.sub (local.get $end) (local.get $i))) (i32.const 1)))
            (local.set $tmask (i32.and (local.get $tmask) (local.get $valid)))
            (local.set $nlmask (i32.and (local.get $nlmask) (local.get $valid)))))
        (local.set $bmask (i32.const 0))
        (if (local.get $nlmask)
          (then
            ;; Lanes holding a '\n' whose next line starts with "[" and a digit, inside the region.
            (local.set $bmask (i32.and (local.get $nlmask) (i8x16.bitmask (v128.and
              (i8x16.eq (local.get $r1) (i8x16.splat (i32.const 91)))
              (i8x16.lt_u (i8x16.sub (local.get $r2) (i8x16.splat (i32.const 48))) (i8x16.splat (i32.const 10)))))))
            (local.set $lim (i32.sub (i32.sub (local.get $end) (local.get $i)) (i32.const 1)))
            (if (i32.lt_u (local.get $lim) (i32.const 16))
              (then (local.set $bmask (i32.and (local.get $bmask)
                (i32.sub (i32.shl (i32.const 1) (local.get $lim)) (i32.const 1))))))))
        ;; Candidate lanes, lowest first.
        (block $noHit
          (loop $lanes
            (br_if $noHit (i32.eqz (local.get $tmask)))
            (local.set $j (i32.ctz (local.get $tmask)))
            (local.set $bit (i32.shl (i32.const 1) (local.get $j)))
            (local.set $tmask (i32.xor (local.get $tmask) (local.get $bit)))
            (if (call $stemAt (i32.add (local.get $i) (local.get $j)))
              (then
                ;; The line holding the match: where it starts, newlines and openings before it.
                (local.set $below (i32.and (local.get $nlmask) (i32.sub (local.get $bit) (i32.const 1))))
                (if (local.get $below)
                  (then
                    (local.set $last (i32.sub (i32.const 31) (i32.clz (local.get $below))))
                    (local.set $lineStart (i32.add (i32.add (local.get $i) (local.get $last)) (i32.const 1)))
                    (local.set $lineNl (i32.add (local.get $nl) (i32.popcnt (local.get $below))))
                    (local.set $lineOpen (i32.or (i32.or (local.get $open) (local.get $lsOpens))
                      (i32.ne (i32.and (local.get $bmask) (i32.sub (i32.shl (i32.const 1) (local.get $last)) (i32.const 1))) (i32.const 0)))))
                  (else
                    (local.set $lineStart (local.get $ls))
                    (local.set $lineNl (local.get $nl))
                    (local.set $lineOpen (local.get $open))))
                (local.set $above (i32.and (local.get $nlmask) (i32.xor (i32.sub (local.get $bit) (i32.const 1)) (i32.const -1))))
                (local.set $e (if (result i32) (local.get $above)
                  (then (i32.add (local.get $i) (i32.ctz (local.get $above))))
                  (else (call $lineEnd (i32.add (local.get $i) (i32.const 16))))))
                (i32.store (local.get $out) (local.get $lineNl))
                (i32.store offset=4 (local.get $out) (local.get $lineStart))
                (i32.store offset=8 (local.get $out) (local.get $e))
                (i32.store offset=12 (local.get $out) (local.get $lineOpen))
                (local.set $out (i32.add (local.get $out) (i32.const 16)))
                (local.set $count (i32.add (local.get $count) (i32.const 1)))
                ;; Go on from the next line.
                (local.set $i (i32.add (local.get $e) (i32.const 1)))
                (local.set $nl (i32.add (local.get $lineNl) (i32.const 1)))
                (local.set $ls (local.get $i))
                (local.set $open (i32.const 0))
                (local.set $lsOpens (call $opensAt (local.get $i) (local.get $end)))
                (if (i32.ge_u (local.get $count) (local.get $cap))
                  (then
                    (global.set $next (local.get $i))
                    (global.set $lines (local.get $nl))
                    (global.set $open (i32.const 0))
                    (return (local.get $count))))
                (br $block)))
            (br $lanes)))
        ;; No match in this block: account for its lines.
        (if (local.get $nlmask)
          (then
            (local.set $last (i32.sub (i32.const 31) (i32.clz (local.get $nlmask))))
            (local.set $open (i32.or (i32.or (local.get $open) (local.get $lsOpens))
              (i32.ne (i32.and (local.get $bmask) (i32.sub (i32.shl (i32.const 1) (local.get $last)) (i32.const 1))) (i32.const 0))))
            (local.set $lsOpens (i32.and (i32.shr_u (local.get $bmask) (local.get $last)) (i32.const 1)))
            (local.set $ls (i32.add (i32.add (local.get $i) (local.get $last)) (i32.const 1)))
            (local.set $nl (i32.add (local.get $nl) (i32.popcnt (local.get $nlmask))))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $block)))
    (global.set $next (local.get $end))
    (global.set $lines (local.get $nl))
    ;; The line starting at `end` is not in the region: lsOpens is 0 there (bmask was cut).
    (global.set $open (i32.or (local.get $open) (if (result i32) (i32.lt_u (local.get $ls) (local.get $end)) (then (local.get $lsOpens)) (else (i32.const 0)))))
    (local.get $count))
)
