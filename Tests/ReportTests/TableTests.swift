import Testing

@testable import Report

@Suite struct TableTests {
    static func sample() -> Table {
        var t = Table(
            title: "Planar average",
            columns: [
                TableColumn(key: "z", title: "z", unit: "Å", decimals: 2),
                TableColumn(key: "rho", title: "ρ", unit: "e/Å³", decimals: 4),
                TableColumn(key: "label", title: "label")
            ],
            notes: ["sign: positive = accumulation"])
        t.append([.number(0), .number(0.12345), .text("a, \"b\"")])
        t.append([.number(1.5), .number(-0.00001), .empty])
        t.append([.integer(3), .number(.nan)])
        return t
    }

    @Test func text() {
        #expect(
            Self.sample().render(.text) == """
                Planar average
                z (Å)  ρ (e/Å³)  label
                -----  --------  ------
                 0.00    0.1235  a, "b"
                 1.50    0.0000  —
                    3       nan  —
                sign: positive = accumulation

                """)
    }

    /// A column may be aligned against its cells (the plan's `+1` charges beside counts), and the rule
    /// under the header may be left out (the generation plan).
    @Test func alignmentAndHeaderRuleAreChoices() {
        var t = Table(columns: [
            TableColumn(key: "name", title: "name"), TableColumn(key: "q", title: "charge", alignRight: true),
            TableColumn(key: "n", title: "n", alignRight: false)
        ])
        t.append([.text("a"), .text("+1"), .integer(15)])
        t.append([.text("bb"), .text("-1"), .integer(7)])
        #expect(t.render(.text) == "name  charge  n\n----  ------  --\na         +1  15\nbb        -1  7\n")
        t.headerRule = false
        #expect(t.render(.text) == "name  charge  n\na         +1  15\nbb        -1  7\n")
        // Markdown and LaTeX follow the same alignment.
        #expect(t.render(.markdown).contains("|---|---:|---|"))
        #expect(t.render(.tex).contains("\\begin{tabular}{lrl}"))
    }

    @Test func markdown() {
        #expect(
            Self.sample().render(.markdown) == """
                **Planar average**

                | z (Å) | ρ (e/Å³) | label |
                |---:|---:|---|
                | 0.00 | 0.1235 | a, "b" |
                | 1.50 | 0.0000 | — |
                | 3 | nan | — |

                - sign: positive = accumulation

                """)
    }

    @Test func csvKeepsFullPrecision() {
        #expect(
            Self.sample().render(.csv) == """
                z,rho,label
                0,0.12345,"a, ""b\"\""
                1.5,-1e-05,
                3,nan,

                """)
    }

    @Test func json() {
        #expect(
            Self.sample().render(.json) == """
                {"title":"Planar average","columns":[{"key":"z","title":"z","unit":"Å"},{"key":"rho","title":"ρ","unit":"e/Å³"},{"key":"label","title":"label","unit":null}],"rows":[{"z":0.0,"rho":0.12345,"label":"a, \\"b\\""},{"z":1.5,"rho":-1e-05,"label":null},{"z":3,"rho":null,"label":null}],"notes":["sign: positive = accumulation"]}

                """)
    }

    @Test func tex() {
        #expect(
            Self.sample().render(.tex) == """
                % Planar average
                \\begin{tabular}{rrl}
                \\toprule
                z (Å) & ρ (e/Å³) & label \\\\
                \\midrule
                0.00 & 0.1235 & a, "b" \\\\
                1.50 & 0.0000 & -- \\\\
                3 & nan & -- \\\\
                \\bottomrule
                \\end{tabular}
                % sign: positive = accumulation

                """)
        #expect(ReportNumber.texEscape("a_b & 50% {x}") == "a\\_b \\& 50\\% \\{x\\}")
    }

    @Test func rowsArePaddedToTheColumns() {
        var t = Table(columns: [TableColumn(key: "a", title: "a")])
        t.append([.text("x"), .text("dropped")])
        t.append([])
        #expect(t.rows == [[.text("x")], [.empty]])
        #expect(TableFormat(rawValue: "md") == .markdown)
    }

    @Test func numberFormatting() {
        #expect(ReportNumber.format(-0.00001, decimals: 3) == "0.000")
        #expect(ReportNumber.format(2.5, decimals: nil) == "2.5")
        #expect(ReportNumber.format(12, decimals: nil) == "12")
        #expect(ReportNumber.format(-.infinity, decimals: 2) == "-inf")
    }
}
