import Report
import Testing

/// `ColourPolicy`: colour only on a terminal, never with NO_COLOR set, never for TERM=dumb.
@Suite struct ColourPolicyTests {
    @Test func onlyOnATerminal() {
        #expect(ColourPolicy.isAllowed(isTerminal: true, noColor: nil, term: "xterm-256color"))
        #expect(!ColourPolicy.isAllowed(isTerminal: false, noColor: nil, term: "xterm-256color"))
    }

    @Test func neverWithNoColor() {
        #expect(!ColourPolicy.isAllowed(isTerminal: true, noColor: "1", term: "xterm"))
        #expect(!ColourPolicy.isAllowed(isTerminal: true, noColor: "false", term: "xterm"))
        // An empty NO_COLOR counts as unset (no-color.org).
        #expect(ColourPolicy.isAllowed(isTerminal: true, noColor: "", term: "xterm"))
    }

    @Test func neverForADumbTerminal() {
        #expect(!ColourPolicy.isAllowed(isTerminal: true, noColor: nil, term: "dumb"))
    }
}
