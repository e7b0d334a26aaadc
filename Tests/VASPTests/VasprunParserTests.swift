import Testing

@testable import VASP

/// `ArrayCollector`, the part of `VasprunParser` that turns `<r>` rows into flat arrays: a row's
/// text arrives from libxml2 in one or more pieces and is scanned where it lies. Whatever the
/// pieces, the values must be those `NumberScanner.scan` finds in the whole row.
@Suite struct VasprunParserTests {
    /// What one row must give: the numbers of the whole text (the general scan) and its tally.
    static func reference(_ row: String) -> (values: [Double], tally: NumberScanner.Tally) {
        var values: [Double] = []
        let tally = Array(row.utf8).withUnsafeBufferPointer { NumberScanner.scan($0, into: &values) }
        return (values, tally)
    }

    /// A collector with `columns` fields (the partial DOS has an extra energy column).
    static func collector(_ role: ArrayCollector.Role, columns: Int) -> ArrayCollector {
        let c = ArrayCollector(role: role)
        for k in 0..<columns { c.addField("f\(k)") }
        return c
    }

    /// Feeds `row` as the pieces that `cuts` (sorted byte offsets) make of it.
    static func feed(_ c: ArrayCollector, _ row: String, cuts: [Int]) -> NumberScanner.Tally {
        let bytes = Array(row.utf8)
        c.beginRow()
        var from = 0
        for cut in cuts + [bytes.count] where cut >= from {
            bytes.withUnsafeBufferPointer { c.feed(UnsafeBufferPointer(rebasing: $0[from..<cut])) }
            from = cut
        }
        return c.endRow()
    }

    static func randomRow(_ g: inout ScannerRandom, fields: Int) -> String {
        let specials = ["****", "NaN", "1.0E+01", "-0.1234-100", "0.12100.1211", "x", "-"]
        var row = ""
        for _ in 0..<fields {
            row += ["  ", " ", "\n  ", "\t", ""][Int.random(in: 0..<5, using: &g)]
            row +=
                Int.random(in: 0..<8, using: &g) == 0
                ? specials[Int.random(in: 0..<specials.count, using: &g)]
                : NumberScannerTests.randomFixedField(&g)
        }
        return row + (Bool.random(using: &g) ? " " : "")
    }

    /// Each row cut into two pieces at every byte offset, and into three and five random pieces:
    /// the stored values (Float for projections, Double otherwise), the tally and the kept/dropped
    /// decision are those of scanning the whole row.
    @Test(arguments: [ArrayCollector.Role.projected, .dosPartial, .eigenvalues])
    func rowsCutIntoPiecesScanAsWholeRows(_ role: ArrayCollector.Role) {
        var g = ScannerRandom(state: 4_096)
        let columns = 9
        var failures: [String] = []
        for _ in 0..<300 {
            // Mostly rows of the right length, some one field short or long.
            let fields = columns + [0, 0, 0, 0, -1, 1][Int.random(in: 0..<6, using: &g)]
            let row = Self.randomRow(&g, fields: fields)
            let (values, tally) = Self.reference(row)
            let n = row.utf8.count
            var splits: [[Int]] = (0...n).map { [$0] }
            for _ in 0..<4 {
                splits.append((0..<2).map { _ in Int.random(in: 0...n, using: &g) }.sorted())
                splits.append((0..<4).map { _ in Int.random(in: 0...n, using: &g) }.sorted())
            }
            for cuts in splits {
                let c = Self.collector(role, columns: columns)
                let got = Self.feed(c, row, cuts: cuts)
                c.seal()
                let kept = tally.count == columns
                let expected = role == .dosPartial && kept ? Array(values.dropFirst()) : (kept ? values : [])
                let stored: [Double] = role == .projected ? c.floats.map(Double.init) : Array(c.doubles)
                let storedAgree =
                    role == .projected
                    ? stored.count == expected.count
                        && zip(c.floats, expected).allSatisfy { ($0.isNaN && $1.isNaN) || $0.bitPattern == Float($1).bitPattern }
                    : sameDoubles(stored, expected)
                if !(got == tally && storedAgree && (c.problem == nil) == kept && c.rows == 1), failures.count < 10 {
                    failures.append("\(role) \(cuts) \"\(row)\": \(stored) vs \(expected), \(got) vs \(tally)")
                }
            }
        }
        #expect(failures.isEmpty, "\(failures)")
    }

    /// Many rows: values land in file order, the zeros placed ahead of the rows are trimmed, and a
    /// reserved array (the announced size) is filled without being reallocated.
    @Test func rowsAccumulateInOrderWithinTheReservedCapacity() {
        let c = Self.collector(.projected, columns: 3)
        let rows = 50_000
        c.announcedRows = rows
        var capacity = 0
        for r in 0..<rows {
            _ = Self.feed(c, "  0.\(String(format4: r % 10_000))  1.0000 -\(r / 10_000).5000 ", cuts: [])
            if r == 0 { capacity = c.floats.capacity }
        }
        #expect(capacity >= 3 * rows)
        #expect(c.floats.capacity == capacity)
        c.seal()
        #expect(c.problem == nil)
        #expect(c.rows == rows)
        #expect(c.floats.count == 3 * rows)
        #expect(c.floats.capacity == capacity)
        #expect(c.floats[3 * 12_345] == Float(0.2345))
        #expect(c.floats[3 * 49_999 + 2] == -4.5)
    }

    /// A bad row makes the block a problem; later rows are not scanned, and what was kept is
    /// trimmed to the complete rows.
    @Test func aShortRowStopsTheBlock() {
        let c = Self.collector(.eigenvalues, columns: 2)
        _ = Self.feed(c, " -1.0000 1.0000 ", cuts: [5])
        let short = Self.feed(c, " **** ", cuts: [])
        _ = Self.feed(c, " 2.0000 0.0000 ", cuts: [])
        c.seal()
        #expect(short.overflows == 1)
        #expect(c.problem?.contains("row 2 has 1 values, expected 2") == true)
        #expect(c.rows == 2)
        #expect(Array(c.doubles) == [-1, 1])
    }
}

extension String {
    /// `n` (0…9999) with four digits: 7 → "0007".
    fileprivate init(format4 n: Int) {
        let digits = String(n)
        self = String(repeating: "0", count: 4 - digits.count) + digits
    }
}
