#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one number scanner every reader uses: locale-independent, allocation-free, and tolerant of
/// what Fortran writes.
///
/// Handled quirks (each seen in real VASP output, see `docs/formats.md`):
/// - `****` (a field overflow) → NaN, counted in ``Tally/overflows`` so the caller can warn;
/// - `NaN`, `nan`, `Infinity`, `-inf` literals;
/// - numbers glued without a space: `-0.1234-0.5678` → −0.1234, −0.5678; `38919.7238932.60`
///   (two fixed-decimal fields) → 38919.72, 38932.60 (the second field's decimal count is
///   assumed for the first);
/// - Fortran exponents `1.0D+01` and the E-less three-digit exponent `0.1234-100` = 0.1234E−100;
/// - correctly rounded results (Clinger's fast path, `strtod` otherwise), so values equal Python's
///   `float()` bit for bit.
public enum NumberScanner {
    /// Counts of what a scan found besides ordinary numbers.
    public struct Tally: Sendable, Equatable {
        /// Numbers appended.
        public var count = 0
        /// `****` overflow fields (stored as NaN).
        public var overflows = 0
        /// Bytes that were not part of any number (the scan skipped them).
        public var invalid = 0
        /// All counts zero.
        public init() {}
    }

    /// Appends every number found in `bytes` to `output`.
    @inline(__always)
    public static func scan<C: NumberSink>(_ bytes: UnsafeBufferPointer<UInt8>, into output: inout C) -> Tally {
        scanLoop(bytes, into: &output, fixedFirst: false)
    }

    /// ``scan(_:into:)`` for rows of fixed-decimal fields (`%8.4f`, `%11.4f`: VASP's `<r>` rows):
    /// each field is first tried as a plain `[-+]digits.digits` field followed by a separator
    /// (``parseFixedDecimal(_:_:_:)``) and, when it is anything else, read by the general path.
    /// The values, counts and split points are those of ``scan(_:into:)`` bit for bit (the fast
    /// path computes exactly what the general one does for such a field); only the speed differs.
    /// For text that is mostly not fixed-decimal (E-format numbers), ``scan(_:into:)`` is faster.
    @inline(__always)
    public static func scanFixedDecimals<C: NumberSink>(_ bytes: UnsafeBufferPointer<UInt8>, into output: inout C) -> Tally {
        scanLoop(bytes, into: &output, fixedFirst: true)
    }

    @inline(__always)
    private static func scanLoop<C: NumberSink>(
        _ bytes: UnsafeBufferPointer<UInt8>, into output: inout C, fixedFirst: Bool
    ) -> Tally {
        var tally = Tally()
        guard let base = bytes.baseAddress else { return tally }
        let end = bytes.count
        var i = 0
        while i < end {
            let c = base[i]
            if c == 0x20 || c == 0x0A || c == 0x09 || c == 0x0D {
                i += 1
                continue
            }
            if fixedFirst, let (value, next) = parseFixedDecimal(base, i, end) {
                output.appendScanned(value)
                tally.count += 1
                i = next
                continue
            }
            if c == 0x2A {  // '*'
                while i < end && base[i] == 0x2A { i += 1 }
                output.appendScanned(.nan)
                tally.count += 1
                tally.overflows += 1
                continue
            }
            if let (value, next) = parseOne(base, i, end) {
                output.appendScanned(value)
                tally.count += 1
                i = next
            } else {
                tally.invalid += 1
                i += 1
            }
        }
        return tally
    }

    /// All numbers in a string (e.g. one line of a text format).
    public static func doubles(in text: some StringProtocol) -> (values: [Double], tally: Tally) {
        var values: [Double] = []
        var s = String(text)
        let tally = s.withUTF8 { scan($0, into: &values) }
        return (values, tally)
    }

    /// The single number a whole string holds, or `nil` when it holds anything else.
    /// `****` gives NaN.
    public static func double(_ text: some StringProtocol) -> Double? {
        let (values, tally) = doubles(in: text)
        guard values.count == 1, tally.invalid == 0 else { return nil }
        return values[0]
    }

    // MARK: - One number

    private static let exactPowers: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
    ]

    @inline(__always)
    private static func isDigit(_ c: UInt8) -> Bool { c &- 0x30 < 10 }

    @inline(__always)
    private static func lower(_ c: UInt8) -> UInt8 { c | 0x20 }

    /// Most significant digits a fixed-decimal field may have for ``parseFixedDecimal(_:_:_:)``:
    /// 10¹⁵ < 2⁵³, so the digits are an exact `Double` and Clinger's fast path applies.
    static let fixedDecimalMaxDigits = 15

    /// The fast path for one plain fixed-decimal field: an optional sign, 1 or more integer digits,
    /// a point, 1 or more decimals (at most ``fixedDecimalMaxDigits`` digits in all), then a
    /// separator (space, tab, CR, LF) or the end of the buffer. Returns `nil` for anything else
    /// (exponents, glued fields, `****`, words, long numbers), which the caller then reads with
    /// ``parseOne(_:_:_:)``.
    ///
    /// For every field it accepts, the result is the one ``parseOne(_:_:_:)`` returns: the same
    /// integer of digits divided by the same exact power of ten (one correctly rounded division),
    /// the same sign (`-0.0000` is −0.0) and the same end index. `NumberScannerTests` checks this
    /// on random fields of every width.
    @inline(__always)
    static func parseFixedDecimal(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> (Double, Int)? {
        var i = start
        let negative = p[i] == 0x2D
        if negative || p[i] == 0x2B { i += 1 }
        var mantissa: UInt64 = 0
        let integerStart = i
        while i < end, isDigit(p[i]) {
            mantissa = mantissa &* 10 &+ UInt64(p[i] &- 0x30)
            i += 1
        }
        let integerDigits = i - integerStart
        guard integerDigits > 0, i < end, p[i] == 0x2E else { return nil }
        i += 1
        let decimalStart = i
        // VASP prints 4 decimals: those are checked and combined at once (SWAR), any others one by one.
        if i + 4 <= end, let four = fourDigits(p + i) {
            mantissa = mantissa &* 10_000 &+ four
            i += 4
        }
        while i < end, isDigit(p[i]) {
            mantissa = mantissa &* 10 &+ UInt64(p[i] &- 0x30)
            i += 1
        }
        let decimals = i - decimalStart
        // (With more digits `mantissa` may have wrapped; it is then not used.)
        guard decimals > 0, integerDigits + decimals <= fixedDecimalMaxDigits else { return nil }
        if i < end {
            let c = p[i]
            guard c == 0x20 || c == 0x0A || c == 0x09 || c == 0x0D else { return nil }
        }
        // mantissa < 10¹⁵: the signed conversion is exact and cheaper than the unsigned one.
        let magnitude = Double(Int64(bitPattern: mantissa)) / exactPowerOfTen(decimals)
        return (negative ? -magnitude : magnitude, i)
    }

    /// The four ASCII digits at `p` as a number (0…9999), or `nil` when any of the bytes is not a
    /// digit: one unaligned 32-bit load, checked and combined with integer arithmetic.
    @inline(__always)
    static func fourDigits(_ p: UnsafePointer<UInt8>) -> UInt64? {
        let word = UInt32(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt32.self))
        // Every byte 0x30…0x39: high nibble 3, and adding 6 does not carry out of the low nibble.
        guard word & 0xF0F0_F0F0 == 0x3030_3030, (word &+ 0x0606_0606) & 0xF0F0_F0F0 == 0x3030_3030 else { return nil }
        let digits = word &- 0x3030_3030  // d0 in the low byte (the first character)
        let pairs = (digits &* 10 &+ (digits >> 8)) & 0x00FF_00FF  // d0d1 in byte 0, d2d3 in byte 2
        return UInt64(pairs & 0xFF) &* 100 &+ UInt64(pairs >> 16)
    }

    /// 10ⁿ for n in 0…15, exact (the values of `exactPowers`, without a global's lazy
    /// initialisation check in the hot loop).
    @inline(__always)
    static func exactPowerOfTen(_ n: Int) -> Double {
        switch n {
        case 0: return 1
        case 1: return 1e1
        case 2: return 1e2
        case 3: return 1e3
        case 4: return 1e4
        case 5: return 1e5
        case 6: return 1e6
        case 7: return 1e7
        case 8: return 1e8
        case 9: return 1e9
        case 10: return 1e10
        case 11: return 1e11
        case 12: return 1e12
        case 13: return 1e13
        case 14: return 1e14
        default: return 1e15
        }
    }

    /// Parses one number starting at `start`; returns the value and the index after it.
    @inline(__always)
    static func parseOne(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> (Double, Int)? {
        var i = start
        var negative = false
        if p[i] == 0x2D || p[i] == 0x2B {  // '-' '+'
            negative = p[i] == 0x2D
            i += 1
            if i >= end { return nil }
        }
        if !isDigit(p[i]) && p[i] != 0x2E {
            return parseWord(p, i, end, negative: negative)
        }
        var mantissa: UInt64 = 0
        var digits = 0  // significant digits accumulated in mantissa
        var dropped = 0  // integer digits not accumulated (too many)
        var exponent = 0
        var sawDigit = false
        while i < end, isDigit(p[i]) {
            sawDigit = true
            if digits < 19 {
                mantissa = mantissa &* 10 &+ UInt64(p[i] &- 0x30)
                if mantissa != 0 { digits += 1 }
            } else {
                dropped += 1
            }
            i += 1
        }
        exponent += dropped
        var dot = -1
        if i < end, p[i] == 0x2E {
            dot = i
            i += 1
            while i < end, isDigit(p[i]) {
                sawDigit = true
                if digits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(p[i] &- 0x30)
                    if mantissa != 0 { digits += 1 }
                    exponent -= 1
                }
                i += 1
            }
            if i < end, p[i] == 0x2E {
                return splitGlued(p, start, dot, end)
            }
        }
        guard sawDigit else { return nil }
        if i < end {
            let c = lower(p[i])
            if c == 0x65 || c == 0x64 {  // 'e' 'd'
                var j = i + 1
                var expNegative = false
                if j < end, p[j] == 0x2D || p[j] == 0x2B {
                    expNegative = p[j] == 0x2D
                    j += 1
                }
                if j < end, isDigit(p[j]) {
                    var e = 0
                    while j < end, isDigit(p[j]) {
                        if e < 100_000 { e = e * 10 + Int(p[j] &- 0x30) }
                        j += 1
                    }
                    exponent += expNegative ? -e : e
                    i = j
                }
            } else if (c == 0x2D || c == 0x2B) && dot >= 0 {
                // Fortran's E-less exponent: 0.1234-100 (sign + exactly three digits, then a separator).
                let j = i + 1
                if j + 3 <= end, isDigit(p[j]), isDigit(p[j + 1]), isDigit(p[j + 2]),
                    j + 3 == end || !(isDigit(p[j + 3]) || p[j + 3] == 0x2E)
                {
                    let e = Int(p[j] &- 0x30) * 100 + Int(p[j + 1] &- 0x30) * 10 + Int(p[j + 2] &- 0x30)
                    exponent += p[i] == 0x2D ? -e : e
                    i = j + 3
                }
            }
        }
        let value = compose(mantissa, digits: digits, exponent: exponent, p, start, i)
        return (negative ? -value : value, i)
    }

    @inline(__always)
    private static func compose(
        _ mantissa: UInt64, digits: Int, exponent: Int, _ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int
    ) -> Double {
        if mantissa == 0 { return 0 }
        if mantissa <= (1 << 53) && exponent >= -22 && exponent <= 22 {
            let m = Double(mantissa)
            return exponent >= 0 ? m * exactPowers[exponent] : m / exactPowers[-exponent]
        }
        return slowPath(p, start, end)
    }

    /// Correctly rounded conversion through `strtod` for the rare long or extreme numbers.
    private static func slowPath(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Double {
        var buffer = [CChar](repeating: 0, count: end - start + 2)
        var n = 0
        for k in start..<end {
            var c = p[k]
            if c == 0x2D || c == 0x2B, n > 0 {
                let previous = UInt8(bitPattern: buffer[n - 1]) | 0x20
                if previous != 0x65 {  // E-less Fortran exponent: insert the 'e'
                    buffer[n] = 0x65
                    n += 1
                }
            }
            if c == 0x44 || c == 0x64 { c = 0x65 }  // Fortran D exponent
            buffer[n] = CChar(bitPattern: c)
            n += 1
        }
        let value = strtod(buffer, nil)
        return abs(value)
    }

    /// `38919.7238932.60`: two fixed-decimal fields glued. The first field keeps as many decimals as
    /// the second shows.
    private static func splitGlued(_ p: UnsafePointer<UInt8>, _ start: Int, _ firstDot: Int, _ end: Int) -> (Double, Int)? {
        var secondDot = firstDot + 1
        while secondDot < end, p[secondDot] != 0x2E { secondDot += 1 }
        // With three or more fields glued (`0.12100.12110.1212`) only the last field's decimals are
        // unambiguous: it is the one followed by a separator.
        var lastDot = secondDot
        var k = secondDot + 1
        while k < end, isDigit(p[k]) || p[k] == 0x2E {
            if p[k] == 0x2E { lastDot = k }
            k += 1
        }
        let decimals = k - lastDot - 1
        let firstEnd = firstDot + 1 + decimals
        guard decimals > 0, firstEnd < secondDot else { return nil }
        var value = 0.0
        var sign = 1.0
        var i = start
        if p[i] == 0x2D || p[i] == 0x2B {
            sign = p[i] == 0x2D ? -1 : 1
            i += 1
        }
        var mantissa: UInt64 = 0
        var exponent = 0
        var digits = 0
        while i < firstEnd {
            if isDigit(p[i]), digits < 19 {
                mantissa = mantissa * 10 + UInt64(p[i] - 0x30)
                digits += 1
                if i > firstDot { exponent -= 1 }
            }
            i += 1
        }
        value = compose(mantissa, digits: digits, exponent: exponent, p, start, firstEnd)
        return (sign * value, firstEnd)
    }

    /// `NaN`, `nan`, `Inf`, `Infinity` (any case).
    private static func parseWord(_ p: UnsafePointer<UInt8>, _ i: Int, _ end: Int, negative: Bool) -> (Double, Int)? {
        func matches(_ word: StaticString) -> Bool {
            let n = word.utf8CodeUnitCount
            guard i + n <= end else { return false }
            let w = word.utf8Start
            for k in 0..<n where lower(p[i + k]) != w[k] { return false }
            return true
        }
        if matches("nan") { return (.nan, i + 3) }
        if matches("infinity") { return (negative ? -.infinity : .infinity, i + 8) }
        if matches("inf") { return (negative ? -.infinity : .infinity, i + 3) }
        return nil
    }
}

/// Where scanned numbers go: a flat `[Double]`, `ContiguousArray<Double>` or `ContiguousArray<Float>`.
public protocol NumberSink {
    /// Stores one scanned value.
    mutating func appendScanned(_ value: Double)
}

extension Array: NumberSink where Element: BinaryFloatingPoint {
    /// Appends `value` converted to `Element` (rounded to nearest for `Float`).
    @inline(__always)
    public mutating func appendScanned(_ value: Double) { append(Element(value)) }
}

extension ContiguousArray: NumberSink where Element: BinaryFloatingPoint {
    /// Appends `value` converted to `Element` (rounded to nearest for `Float`).
    @inline(__always)
    public mutating func appendScanned(_ value: Double) { append(Element(value)) }
}
