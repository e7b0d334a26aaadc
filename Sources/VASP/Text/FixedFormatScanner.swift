/// The data-block number loop: a fixed-format fast path for VASP's `[-]0.dddddE±dd` fields, the shared
/// ``NumberScanner`` for anything else.
enum FixedFormatScanner {
    struct Result {
        var parsed: Int
        var overflows: Int
        var newlines: Int
        var next: Int
        /// `true` when a non-number stopped the scan.
        var stopped: Bool
    }

    private static let powers: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
    ]

    @inline(__always)
    private static func isBlank(_ c: UInt8) -> Bool { c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 }

    /// Scans numbers starting before `limit` (a number may run on to `end`), at most `maximum` of them.
    static func scan(
        _ p: UnsafeMutablePointer<UInt8>, from: Int, limit: Int, end: Int,
        into out: UnsafeMutablePointer<Double>, maximum: Int, layout: Volumetric.DataLayout?
    ) -> Result {
        var i = from
        var n = 0
        var newlines = 0
        var overflows = 0
        let perLine = layout?.valuesPerLine ?? 0
        let digits = layout?.significantDigits ?? 0
        let lineLength = perLine * (digits + 7)
        powers.withUnsafeBufferPointer { pow10 in
            while n < maximum {
                // A whole line of VASP's fixed-width fields: parsed field by field without scanning.
                while perLine > 0, n + perLine <= maximum, i + lineLength < limit, p[i + lineLength] == 0x0A,
                    line(p, i, perLine: perLine, digits: digits, into: out + n, pow10)
                {
                    n += perLine
                    if n == maximum {
                        // The block's last line: stop at its line end, as the slow path does, so that the
                        // caller's skipRestOfLine does not eat the leading blanks of the line after it.
                        i += lineLength
                        break
                    }
                    i += lineLength + 1
                    newlines += 1
                }
                guard n < maximum else { return }
                // Blanks, stopping after a line end so that the next line can take the fast path.
                var newline = false
                while i < limit && isBlank(p[i]) {
                    i += 1
                    if p[i - 1] == 0x0A {
                        newlines += 1
                        newline = true
                        break
                    }
                }
                if newline { continue }
                guard i < limit else { return }
                if let (value, next) = fast(p, i, end, pow10) {
                    out[n] = value
                    n += 1
                    i = next
                    continue
                }
                if p[i] == 0x2A {  // '****': a Fortran overflow
                    while i < end && p[i] == 0x2A { i += 1 }
                    out[n] = .nan
                    n += 1
                    overflows += 1
                    continue
                }
                guard let (value, next) = NumberScanner.parseOne(p, i, end), next == end || isBlank(p[next]) || isNumberStart(p[next]) else {
                    return
                }
                out[n] = value
                n += 1
                i = next
            }
        }
        let stopped = n < maximum && i < limit
        return Result(parsed: n, overflows: overflows, newlines: newlines, next: i, stopped: stopped)
    }

    /// `perLine` fields ` 0.d…dE±dd` / ` -.d…dE±dd` of `digits` digits at `start`; `false` (with `out`
    /// partly written) as soon as one field differs or is not on the fast path.
    @inline(__always)
    private static func line(
        _ p: UnsafeMutablePointer<UInt8>, _ start: Int, perLine: Int, digits: Int,
        into out: UnsafeMutablePointer<Double>, _ pow10: UnsafeBufferPointer<Double>
    ) -> Bool {
        let width = digits + 7
        for f in 0..<perLine {
            let b = p + start + f * width
            guard b[0] == 0x20, b[2] == 0x2E, b[3 + digits] | 0x20 == 0x65 else { return false }
            let lead = b[1]
            guard lead == 0x30 || lead == 0x2D else { return false }
            var mantissa: UInt64
            var k: Int
            if digits >= 8 {
                guard let eight = eightDigits(b + 3) else { return false }
                mantissa = eight
                k = 8
            } else {
                mantissa = 0
                k = 0
            }
            while k < digits {
                let d = b[3 + k] &- 0x30
                guard d < 10 else { return false }
                mantissa = mantissa &* 10 &+ UInt64(d)
                k += 1
            }
            let sign = b[4 + digits]
            let d1 = b[5 + digits] &- 0x30
            let d2 = b[6 + digits] &- 0x30
            guard sign == 0x2B || sign == 0x2D, d1 < 10, d2 < 10 else { return false }
            let magnitude = Int(d1) * 10 + Int(d2)
            let exponent = (sign == 0x2D ? -magnitude : magnitude) - digits
            guard exponent >= -22 && exponent <= 22, mantissa < (1 << 53) else { return false }
            let m = Double(mantissa)
            let value = exponent >= 0 ? m * pow10[exponent] : m / pow10[-exponent]
            out[f] = lead == 0x2D ? -value : value
        }
        return true
    }

    /// The eight ASCII digits at `p` as a number (SWAR: all eight bytes checked and combined in a few
    /// integer operations), or `nil` when one is not a digit.
    @inline(__always)
    private static func eightDigits(_ p: UnsafeMutablePointer<UInt8>) -> UInt64? {
        var v = UInt64(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt64.self))
        let high = v & 0xF0F0_F0F0_F0F0_F0F0
        let carry = ((v &+ 0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0) >> 4
        guard high | carry == 0x3333_3333_3333_3333 else { return nil }
        // Digit values, the first digit in the lowest byte; then pairs, quads and the octet are combined:
        // each step multiplies the lower (more significant) part by 10, 100 or 10⁴ and adds the upper one.
        v = v & 0x0F0F_0F0F_0F0F_0F0F
        v = ((v &* 10) &+ (v >> 8)) & 0x00FF_00FF_00FF_00FF
        v = ((v &* 100) &+ (v >> 16)) & 0x0000_FFFF_0000_FFFF
        v = (v &* 10_000) &+ (v >> 32)
        return v & 0xFFFF_FFFF
    }

    @inline(__always)
    private static func isNumberStart(_ c: UInt8) -> Bool { c == 0x2D || c == 0x2B || c == 0x2E || (c &- 0x30) < 10 }

    /// `[-][0].d…dE±dd` followed by a blank (or the end): the value when it is exactly representable by
    /// one correctly rounded multiplication or division (mantissa < 2⁵³, |exponent| ≤ 22), else `nil`.
    @inline(__always)
    private static func fast(
        _ p: UnsafeMutablePointer<UInt8>, _ start: Int, _ end: Int, _ pow10: UnsafeBufferPointer<Double>
    ) -> (Double, Int)? {
        var j = start
        let negative = p[j] == 0x2D
        if negative { j += 1 }
        if j < end && p[j] == 0x30 { j += 1 }
        guard j < end, p[j] == 0x2E else { return nil }
        j += 1
        let digitsStart = j
        var mantissa: UInt64 = 0
        while j < end {
            let d = p[j] &- 0x30
            if d >= 10 { break }
            mantissa = mantissa &* 10 &+ UInt64(d)
            j += 1
        }
        let digits = j - digitsStart
        guard digits > 0, digits <= 15, j + 4 <= end, p[j] | 0x20 == 0x65 else { return nil }
        let sign = p[j + 1]
        let d1 = p[j + 2] &- 0x30
        let d2 = p[j + 3] &- 0x30
        guard sign == 0x2B || sign == 0x2D, d1 < 10, d2 < 10 else { return nil }
        j += 4
        if j < end && !isBlank(p[j]) { return nil }
        let magnitude = Int(d1) * 10 + Int(d2)
        let exponent = (sign == 0x2D ? -magnitude : magnitude) - digits
        guard exponent >= -22 && exponent <= 22 else { return nil }
        var value = Double(mantissa)
        value = exponent >= 0 ? value * pow10[exponent] : value / pow10[-exponent]
        return (negative ? -value : value, j)
    }
}
