import Testing

@testable import Report

/// The one progress bar's text (the CLI only draws it on a terminal).
@Suite struct ProgressTextTests {
    @Test func bytesShowAPercentageForLargeFilesOnly() {
        #expect(ProgressText.line(10, of: 1_000, label: "small.xml", unit: .bytes) == nil)
        let line = ProgressText.line(30_000_000, of: 100_000_000, label: "big.xml", unit: .bytes)
        #expect(line?.percent == 30)
        #expect(line?.text == "\r[" + String(repeating: "#", count: 9) + String(repeating: " ", count: 21) + "] 30% big.xml")
    }

    @Test func countsShowDoneOfTotalAndTheItem() {
        let line = ProgressText.line(51, of: 51, label: "calculations", name: "neb/a", unit: .count)
        #expect(line?.percent == 100)
        #expect(line?.text == "\r\u{1B}[2K[" + String(repeating: "#", count: 30) + "] 51/51 calculations (neb/a)")
        #expect(ProgressText.line(0, of: 0, label: "calculations", unit: .count) == nil)
        // More done than announced never overfills the bar.
        #expect(ProgressText.line(9, of: 3, label: "x", unit: .count)?.text.contains("[" + String(repeating: "#", count: 30) + "]") == true)
    }
}
