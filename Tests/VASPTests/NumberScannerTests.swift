import Foundation
import Testing

@testable import VASP

/// One scanner input and what it must give.
struct ScanCase: Sendable, CustomTestStringConvertible {
    let text: String
    let values: [Double]
    let overflows: Int
    let invalid: Int

    init(_ text: String, _ values: [Double], overflows: Int = 0, invalid: Int = 0) {
        self.text = text
        self.values = values
        self.overflows = overflows
        self.invalid = invalid
    }

    var testDescription: String { "\"\(text)\"" }
}

/// Same value bit for bit (NaN matches any NaN).
func sameDouble(_ x: Double, _ y: Double) -> Bool {
    (x.isNaN && y.isNaN) || x.bitPattern == y.bitPattern
}

func sameDoubles(_ x: [Double], _ y: [Double]) -> Bool {
    x.count == y.count && zip(x, y).allSatisfy(sameDouble)
}

/// SplitMix64, so the random cases are the same on every run.
struct ScannerRandom: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct NumberScannerTests {
    static let cases: [ScanCase] = [
        // Plain numbers and separators.
        ScanCase("1.5", [1.5]),
        ScanCase("\t1\n2\r\n3 ", [1, 2, 3]),
        ScanCase("1e5 .5 5. -.5 +3", [1e5, 0.5, 5, -0.5, 3]),
        ScanCase("-0.0", [-0.0]),
        ScanCase("38919.72 38932.60", [38919.72, 38932.6]),
        // Glued numbers (no space between fields).
        ScanCase("  -0.1234-0.5678 ", [-0.1234, -0.5678]),
        ScanCase("-1.5000-2.2500-3.7500", [-1.5, -2.25, -3.75]),
        ScanCase("0.1250-0.0001", [0.125, -0.0001]),
        ScanCase("38919.7238932.60", [38919.72, 38932.6]),
        ScanCase("12345.678912345.6789", [12345.6789, 12345.6789]),
        ScanCase("999.999912345.6789", [999.9999, 12345.6789]),
        ScanCase("0.12100.12110.1212", [0.121, 0.1211, 0.1212]),
        ScanCase("1.0000-12345.678912345.6789", [1, -12345.6789, 12345.6789]),
        ScanCase("1.0E+00-2.0E+00", [1, -2]),
        ScanCase("-12.3456-0.0123 ", [-12.3456, -0.0123]),
        // Overflow fields.
        ScanCase("****", [.nan], overflows: 1),
        ScanCase("1.0 **** 2.0", [1, .nan, 2], overflows: 1),
        ScanCase("1.0******-2.0", [1, .nan, -2], overflows: 1),
        ScanCase("**** ************", [.nan, .nan], overflows: 2),
        ScanCase("NaN************", [.nan, .nan], overflows: 1),
        // NaN and infinity literals.
        ScanCase("NaN", [.nan]),
        ScanCase("nan -NaN NAN", [.nan, .nan, .nan]),
        ScanCase("Infinity -inf +INF", [.infinity, -.infinity, .infinity]),
        // Fortran exponents.
        ScanCase("1.0D+01", [10]),
        ScanCase("2.5d-3 -1.0D2", [0.0025, -100]),
        ScanCase("0.1234-100", [0.1234e-100]),
        ScanCase("0.1234+100", [0.1234e100]),
        ScanCase("-0.5678-101 0.5", [-0.5678e-101, 0.5]),
        ScanCase("0.9999-307", [0.9999e-307]),
        // Not E-less exponents: four digits, two digits, a decimal point follows.
        ScanCase("0.1234-1005", [0.1234, -1005]),
        ScanCase("0.1234-12", [0.1234, -12]),
        ScanCase("0.1234-100.5", [0.1234, -100.5]),
        // Long, tiny, huge, subnormal, halfway.
        ScanCase("123456789012345678901234567890", [123456789012345678901234567890.0]),
        ScanCase("0.000000000000000000000000123", [1.23e-25]),
        ScanCase("1e400 -1e400", [.infinity, -.infinity]),
        ScanCase("1e-400", [0]),
        ScanCase("4.9e-324", [.leastNonzeroMagnitude]),  // the smallest subnormal, 2⁻¹⁰⁷⁴
        ScanCase("2.2250738585072011e-308", [Double(bitPattern: 0x000F_FFFF_FFFF_FFFF)]),  // the largest subnormal
        ScanCase("9007199254740993", [9_007_199_254_740_992]),
        ScanCase("0.1000000000000000055511151231257827", [0.1]),
        ScanCase("1.00000000000000011102230246251565404236316680908203125", [1]),
        ScanCase("1.00000000000000011102230246251565404236316680908203126", [1.0000000000000002]),
        // Bytes that are not numbers are skipped and counted.
        ScanCase("1,2", [1, 2], invalid: 1),
        ScanCase("abc", [], invalid: 3),
        ScanCase("1.5e", [1.5], invalid: 1),
        ScanCase(".", [], invalid: 1),
        ScanCase("-", [], invalid: 1),
        ScanCase("", [])
    ]

    @Test(arguments: cases)
    func scan(_ c: ScanCase) {
        let (values, tally) = NumberScanner.doubles(in: c.text)
        #expect(sameDoubles(values, c.values), "\(values) ≠ \(c.values)")
        #expect(tally.count == c.values.count)
        #expect(tally.overflows == c.overflows)
        #expect(tally.invalid == c.invalid)
    }

    /// The same bytes through `scan` into a `ContiguousArray<Float>` give the doubles rounded once more.
    @Test(arguments: cases)
    func floatSink(_ c: ScanCase) {
        var floats = ContiguousArray<Float>()
        let tally = Array(c.text.utf8).withUnsafeBufferPointer { NumberScanner.scan($0, into: &floats) }
        #expect(tally.count == c.values.count)
        #expect(floats.count == c.values.count)
        #expect(zip(floats, c.values).allSatisfy { ($0.isNaN && $1.isNaN) || $0 == Float($1) })
    }

    @Test func singleNumber() {
        #expect(NumberScanner.double(" 42 ") == 42)
        #expect(NumberScanner.double("-7.5D-1") == -0.75)
        #expect(NumberScanner.double("****")?.isNaN == true)
        #expect(NumberScanner.double("1 2") == nil)
        #expect(NumberScanner.double("x") == nil)
        #expect(NumberScanner.double("1,") == nil)
        #expect(NumberScanner.double("") == nil)
        #expect(NumberScanner.double("0.1234-0.5678") == nil)
        #expect(NumberScanner.double(Substring("  3.25\n")) == 3.25)
    }

    /// Bytes outside the buffer are never read: a number that ends at the buffer's end, and a
    /// buffer that is a slice of a longer array.
    @Test func stopsAtTheBufferEnd() {
        let bytes = Array("1.25-3.5E+01 9".utf8)
        var values: [Double] = []
        let tally = bytes.withUnsafeBufferPointer { all in
            NumberScanner.scan(UnsafeBufferPointer(rebasing: all[0..<9]), into: &values)
        }
        #expect(values == [1.25, -3.5])  // "1.25-3.5E" — the dangling E is skipped
        #expect(tally.invalid == 1)
        var empty: [Double] = []
        #expect(NumberScanner.scan(UnsafeBufferPointer<UInt8>(start: nil, count: 0), into: &empty) == NumberScanner.Tally())
    }

    /// 10,000 seeded random doubles printed as VASP and Python print them: the scanner's value is
    /// `Double(String)` bit for bit (correct rounding).
    @Test func randomDoublesAreExact() {
        var g = ScannerRandom(state: 20_240_611)
        var mismatches: [String] = []
        var checked = 0
        func check(_ text: String) {
            checked += 1
            let expected = Double(text.trimmingCharacters(in: .whitespaces))
            let got = NumberScanner.double(text)
            guard let expected, let got, sameDouble(expected, got) else {
                if mismatches.count < 10 { mismatches.append("\(text): \(String(describing: got)) vs \(String(describing: expected))") }
                return
            }
        }
        for n in 0..<10_000 {
            let value: Double
            switch n % 4 {
            case 0: value = Double.random(in: -1000...1000, using: &g)
            case 1:
                let scale = pow(10, Double(Int.random(in: -30...30, using: &g)))
                value = Double.random(in: 1...10, using: &g) * scale * (Bool.random(using: &g) ? 1 : -1)
            case 2: value = Double.random(in: -1e-3...1e-3, using: &g)
            default:
                var bits: Double
                repeat { bits = Double(bitPattern: g.next()) } while !bits.isFinite
                value = bits
            }
            if abs(value) < 1e25 {
                check(String(format: "%.8f", value))
                check(String(format: "%16.8f", value))
                check(String(format: "%.4f", value))
            }
            check(String(format: "%.10E", value))
            check(String(format: "%.17g", value))
            check(String(format: "%20.12e", value))
        }
        #expect(checked > 40_000)
        #expect(mismatches.isEmpty, "\(mismatches)")
    }

    /// Glued fields and Fortran's E-less exponent on random values, against `Double(String)`.
    @Test func randomGluedAndFortranFieldsAreExact() {
        var g = ScannerRandom(state: 77)
        var failures: [String] = []
        for _ in 0..<2_000 {
            let a = String(format: "%.8f", Double.random(in: -100...100, using: &g))
            let b = String(format: "%.8f", -Double.random(in: 0...100, using: &g))
            let glued = a + b  // b is negative: its sign separates the fields
            let (values, tally) = NumberScanner.doubles(in: glued)
            if !(sameDoubles(values, [Double(a)!, Double(b)!]) && tally.invalid == 0), failures.count < 10 { failures.append(glued) }

            // Two fixed-decimal positive fields glued: "38919.7238932.60".
            let decimals = Int.random(in: 1...6, using: &g)
            let c = String(format: "%.\(decimals)f", Double.random(in: 0...99999, using: &g))
            let d = String(format: "%.\(decimals)f", Double.random(in: 10...99999, using: &g))
            let (pair, _) = NumberScanner.doubles(in: c + d)
            if !sameDoubles(pair, [Double(c)!, Double(d)!]), failures.count < 10 { failures.append(c + d) }

            // Fortran's E-less exponent: 0.12345678-123.
            let mantissa = String(format: "%.8f", Double.random(in: 0.1..<1, using: &g))
            let exponent = Int.random(in: 100...307, using: &g)
            let sign = Bool.random(using: &g) ? "-" : "+"
            let fortran = "\(mantissa)\(sign)\(exponent)"
            let value = NumberScanner.double(fortran)
            let expected = Double("\(mantissa)e\(sign)\(exponent)")!
            if !(value.map { sameDouble($0, expected) } ?? false), failures.count < 10 { failures.append(fortran) }

            // Fortran D exponent.
            let dExponent = String(format: "%.10E", Double.random(in: -1e10...1e10, using: &g)).replacingOccurrences(of: "E", with: "D")
            let dValue = NumberScanner.double(dExponent)
            let dExpected = Double(dExponent.replacingOccurrences(of: "D", with: "E"))!
            if !(dValue.map { sameDouble($0, dExpected) } ?? false), failures.count < 10 { failures.append(dExponent) }
        }
        #expect(failures.isEmpty, "\(failures)")
    }

    // MARK: - The fixed-decimal fast path

    /// Both scan paths on the same bytes, into `[Double]` and `ContiguousArray<Float>`; `nil` when
    /// they agree bit for bit (values, counts, overflows, skipped bytes), else a description.
    static func fastPathDisagreement(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        var general: [Double] = []
        var fast: [Double] = []
        var generalFloats = ContiguousArray<Float>()
        var fastFloats = ContiguousArray<Float>()
        let (t1, t2, t3, t4) = bytes.withUnsafeBufferPointer { b in
            (
                NumberScanner.scan(b, into: &general), NumberScanner.scanFixedDecimals(b, into: &fast),
                NumberScanner.scan(b, into: &generalFloats), NumberScanner.scanFixedDecimals(b, into: &fastFloats)
            )
        }
        let floatsAgree =
            generalFloats.count == fastFloats.count
            && zip(generalFloats, fastFloats).allSatisfy { ($0.isNaN && $1.isNaN) || $0.bitPattern == $1.bitPattern }
        guard sameDoubles(general, fast), floatsAgree, t1 == t2, t3 == t4, t1 == t3 else {
            return "\"\(text)\": \(general) vs \(fast), \(t1) vs \(t2)"
        }
        return nil
    }

    /// A random plain fixed-decimal field: sign, 1–11 integer digits (often a single 0), 1–9
    /// decimals (often 4, as VASP prints), so both sides of the fast path's 15-digit limit occur.
    static func randomFixedField(_ g: inout ScannerRandom) -> String {
        let sign = ["", "", "", "-", "+"][Int.random(in: 0..<5, using: &g)]
        let integerDigits = Bool.random(using: &g) ? 1 : Int.random(in: 1...11, using: &g)
        let decimals = Bool.random(using: &g) ? 4 : Int.random(in: 1...9, using: &g)
        var integer = (0..<integerDigits).map { _ in String(Int.random(in: 0...9, using: &g)) }.joined()
        if integerDigits == 1 && Int.random(in: 0..<3, using: &g) == 0 { integer = "0" }
        var fraction = (0..<decimals).map { _ in String(Int.random(in: 0...9, using: &g)) }.joined()
        if Int.random(in: 0..<8, using: &g) == 0 { fraction = String(repeating: "0", count: decimals) }  // 0.0000, -0.0000
        return sign + integer + "." + fraction
    }

    /// Every plain fixed-decimal field the fast path accepts reads exactly as `parseOne` reads it
    /// (value bit for bit, end index) and as `Double(String)` (correct rounding); 200,000 seeded
    /// random fields of every width.
    @Test func fixedDecimalFieldsReadAsTheGeneralPathReadsThem() {
        var g = ScannerRandom(state: 8_4_2026)
        var failures: [String] = []
        var accepted = 0
        for _ in 0..<200_000 {
            let field = Self.randomFixedField(&g)
            let bytes = Array(field.utf8)
            let (fast, general) = bytes.withUnsafeBufferPointer { b in
                (NumberScanner.parseFixedDecimal(b.baseAddress!, 0, b.count), NumberScanner.parseOne(b.baseAddress!, 0, b.count))
            }
            guard let fast else { continue }  // longer than 15 digits: the general path reads it
            accepted += 1
            let exact = Double(field)!
            let agrees = general.map { sameDouble($0.0, fast.0) && $0.1 == fast.1 } ?? false
            if !(agrees && sameDouble(fast.0, exact) && fast.1 == bytes.count), failures.count < 10 {
                failures.append("\(field): \(fast) vs \(String(describing: general)) vs \(exact)")
            }
        }
        #expect(accepted > 150_000)
        #expect(failures.isEmpty, "\(failures)")
    }

    /// Every 4-decimal field from 0.0000 to 7.9999, both signs, through the fast path's table of
    /// quotients and past its end: the same `Double` and `Float` as the general path and as
    /// `Double(String)`.
    @Test func everyFourDecimalFieldOfTheQuotientTable() {
        var failures: [String] = []
        for m in 0..<80_000 {
            let digits = String(m)
            let padded = String(repeating: "0", count: max(0, 5 - digits.count)) + digits
            let field = padded.dropLast(4) + "." + padded.suffix(4)
            for text in [String(field), "-" + field] {
                let bytes = Array(text.utf8)
                let (fast, general) = bytes.withUnsafeBufferPointer { b in
                    (NumberScanner.parseFixedDecimal(b.baseAddress!, 0, b.count), NumberScanner.parseOne(b.baseAddress!, 0, b.count))
                }
                let exact = Double(text)!
                guard let fast, let general, sameDouble(fast.0, general.0), sameDouble(fast.0, exact),
                    Float(fast.0).bitPattern == Float(general.0).bitPattern, fast.1 == general.1
                else {
                    if failures.count < 10 { failures.append(text) }
                    continue
                }
            }
        }
        #expect(failures.isEmpty, "\(failures)")
    }

    /// Whole random rows — fixed-width fields (`%8.4f`, `%11.4f`, any width), separators of every
    /// kind, glued fields, `****`, exponents, E-less exponents, NaN, stray bytes, fields cut by the
    /// end of the buffer — scan identically through `scanFixedDecimals` and `scan`.
    @Test func fixedDecimalScanEqualsTheGeneralScanOnRandomRows() {
        var g = ScannerRandom(state: 31_337)
        let specials = [
            "****", "*******", "NaN", "-inf", "1.0E+01", "-2.5D-3", "0.1234-100", ".5", "5.", "-", "+", "abc", "1,5",
            "38919.7238932.60", "0.12100.12110.1212", "1.5e", "9007199254740993.0", "123456789012345.6",
            "1234567890123456.7", "0.000000000000000000000000123"
        ]
        let separators = [" ", "  ", "   ", "\n", "\t", "\r\n", " \n  "]
        var failures: [String] = []
        for _ in 0..<20_000 {
            var row = Bool.random(using: &g) ? separators[Int.random(in: 0..<separators.count, using: &g)] : ""
            for _ in 0..<Int.random(in: 1...12, using: &g) {
                let field =
                    Int.random(in: 0..<6, using: &g) == 0
                    ? specials[Int.random(in: 0..<specials.count, using: &g)] : Self.randomFixedField(&g)
                // Mostly separated; sometimes glued to the previous field.
                if Int.random(in: 0..<5, using: &g) != 0 {
                    row += separators[Int.random(in: 0..<separators.count, using: &g)]
                }
                row += field
            }
            if Bool.random(using: &g) { row += " " }
            if let problem = Self.fastPathDisagreement(row), failures.count < 10 { failures.append(problem) }
            // The same row cut at a random byte (a field cut by the buffer's end).
            let cut = String(row.utf8.prefix(Int.random(in: 0...row.utf8.count, using: &g)))!
            if let problem = Self.fastPathDisagreement(cut), failures.count < 10 { failures.append(problem) }
        }
        for c in Self.cases {
            if let problem = Self.fastPathDisagreement(c.text), failures.count < 10 { failures.append(problem) }
        }
        #expect(failures.isEmpty, "\(failures)")
    }
}
