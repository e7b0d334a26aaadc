import Foundation
import TestSupport
import Testing

@testable import VASP

// The vasprun fast path (issue 15 item 2) against libxml2, the referee: on every corpus vasprun.xml,
// at every truncation offset the sweeps use, on every fuzz regression input and on small files with
// constructs only libxml2 reads, `Vasprun.read` with `xmlPath: .auto` gives the same value (compared
// whole, as a `dump`: every stored property, NaN equal to NaN), the same warnings and the same error
// as with `xmlPath: .libxml2`.

/// Reading one file both ways.
enum Differential {
    /// What one read gave: the canonical form of the value, or the error's message.
    enum Outcome: Equatable {
        case value(Canonical)
        case error(String)

        var lines: [String] {
            switch self {
            case .value(let c): return c.lines
            case .error(let s): return ["error: " + s]
            }
        }
    }

    /// A value walked through `Mirror`: every stored property (enum payloads included) as a line
    /// `path = leaf`, dictionaries in sorted order; arrays of numbers as their exact bit patterns
    /// (every NaN the same, so NaN equals NaN and never a number) in `numbers`, with a line giving
    /// their count and where they start.
    struct Canonical: Equatable {
        var lines: [String] = []
        var numbers: [UInt64] = []
    }

    static func outcome(_ path: String, _ options: VasprunOptions) -> Outcome {
        do {
            return .value(describe(try Vasprun.read(path: path, options: options)))
        } catch {
            return .error(String(describing: error))
        }
    }

    static func describe(_ run: Vasprun) -> Canonical {
        var c = Canonical()
        walk(run, path: "run", into: &c)
        return c
    }

    @inline(__always)
    static func bits(_ d: Double) -> UInt64 { d.isNaN ? 0x7FF8_0000_0000_0000 : d.bitPattern }

    private static func numbers<S: Sequence>(_ values: S, path: String, into c: inout Canonical, _ convert: (S.Element) -> [UInt64]) {
        let start = c.numbers.count
        for v in values { c.numbers.append(contentsOf: convert(v)) }
        c.lines.append("\(path) = numbers[\(start)..<\(c.numbers.count)]")
    }

    static func walk(_ value: Any, path: String, into c: inout Canonical) {
        switch value {
        case let d as Double:
            c.lines.append("\(path) = \(d.isNaN ? "nan" : "\(d) (\(String(d.bitPattern, radix: 16)))")")
        case let f as Float:
            c.lines.append("\(path) = \(f.isNaN ? "nan" : "\(f) (\(String(f.bitPattern, radix: 16)))")")
        case let a as [Double]: numbers(a, path: path, into: &c) { [bits($0)] }
        case let a as ContiguousArray<Double>: numbers(a, path: path, into: &c) { [bits($0)] }
        case let a as ContiguousArray<Float>: numbers(a, path: path, into: &c) { [$0.isNaN ? 0x7FC0_0000 : UInt64($0.bitPattern)] }
        case let a as [SIMD3<Double>]: numbers(a, path: path, into: &c) { [bits($0.x), bits($0.y), bits($0.z)] }
        default:
            let mirror = Mirror(reflecting: value)
            if mirror.children.isEmpty {
                c.lines.append("\(path) = \(String(reflecting: value))")
                return
            }
            if mirror.displayStyle == .dictionary || mirror.displayStyle == .set {
                var entries: [(String, Canonical)] = []
                for child in mirror.children {
                    var sub = Canonical()
                    walk(child.value, path: "", into: &sub)
                    entries.append((sub.lines.joined(separator: "|"), sub))
                }
                entries.sort { $0.0 < $1.0 }
                c.lines.append("\(path) = \(mirror.displayStyle == .set ? "set" : "dictionary") of \(entries.count)")
                for (k, entry) in entries.enumerated() {
                    c.lines.append(contentsOf: entry.1.lines.map { "\(path)[\(k)]\($0)" })
                    c.numbers.append(contentsOf: entry.1.numbers)
                }
                return
            }
            if mirror.displayStyle == .optional || mirror.displayStyle == .collection {
                c.lines.append("\(path) : \(mirror.displayStyle.map { "\($0)" } ?? "") of \(mirror.children.count)")
            }
            for (k, child) in mirror.children.enumerated() {
                walk(child.value, path: path + "." + (child.label ?? "\(k)"), into: &c)
            }
        }
    }

    /// The first difference of two outcomes, for the failure message.
    static func firstDifference(_ a: Outcome, _ b: Outcome) -> String {
        let x = a.lines
        let y = b.lines
        for k in 0..<max(x.count, y.count) {
            let l = k < x.count ? x[k] : "<none>"
            let r = k < y.count ? y[k] : "<none>"
            if l != r { return "libxml2 «\(l.prefix(400))» fast «\(r.prefix(400))»" }
        }
        if case .value(let p) = a, case .value(let q) = b, let i = (0..<min(p.numbers.count, q.numbers.count)).first(where: { p.numbers[$0] != q.numbers[$0] })
        {
            return "number \(i): libxml2 \(String(p.numbers[i], radix: 16)) fast \(String(q.numbers[i], radix: 16))"
        }
        return "no difference"
    }

    static func options(_ path: VasprunXMLPath, chunk: Int = 1 << 20) -> VasprunOptions {
        VasprunOptions(chunkSize: chunk, xmlPath: path)
    }

    /// Compares the two paths on `path`; records an issue naming `label` when they differ. Returns
    /// whether the fast path read the file itself (did not hand over).
    @discardableResult
    static func check(_ path: String, label: String, fastChunk: Int = 1 << 20) -> Bool {
        let referee = outcome(path, options(.libxml2, chunk: fastChunk))
        let fast = outcome(path, options(.auto, chunk: fastChunk))
        if referee != fast { Issue.record("\(label): \(firstDifference(referee, fast))") }
        return !handedOver(path, chunk: fastChunk)
    }

    static func handedOver(_ path: String, chunk: Int = 1 << 20) -> Bool {
        handOverReason(path, chunk: chunk) != nil
    }

    /// Why the fast path handed `path` to libxml2; nil when it read the file itself.
    static func handOverReason(_ path: String, chunk: Int = 1 << 20) -> String? {
        guard case .error(let message) = outcome(path, options(.fast, chunk: chunk)),
            let range = message.range(of: "fast path handed over: ")
        else { return nil }
        return String(message[range.upperBound...])
    }

    static let files = Sweep.corpusFiles(under: ["vasprun", "adsorption", "neb", "truncated"]) {
        ($0 as NSString).lastPathComponent.contains("vasprun")
    }
}

@Suite struct VasprunFastPathTests {
    @Test func corpusIsThere() {
        Corpus.checkPresentOnCI()
        if Corpus.available { #expect(Differential.files.count >= 60) }
    }

    /// Whole corpus files: the same value both ways, and the fast path reads them itself (VASP's own
    /// output never needs libxml2).
    @Test(arguments: Differential.files)
    func wholeFile(_ relative: String) throws {
        let path = Corpus.path(relative)
        let ranFast = Differential.check(path, label: relative)
        // A file libxml2 finds malformed (the NEB corpus file has a mismatched tag) is handed over, and
        // so is a gzip file that ends inside an element (custodian's and pymatgen's cut .gz examples).
        let referee = try? Vasprun.read(path: path, options: Differential.options(.libxml2))
        let malformed = referee?.warnings.contains { $0.message.contains("XML error") } ?? true
        let cutGzip = relative.hasSuffix(".gz") && referee?.complete == false
        #expect(
            ranFast != (malformed || cutGzip),
            "\(relative): fast path ran \(ranFast), libxml2 found it malformed \(malformed), cut gzip \(cutGzip)")
    }

    /// Every cut of the truncation sweep (the same offsets and size limit as `VasprunTruncationSweep`):
    /// the same value, warnings and line numbers both ways.
    @Test(arguments: Differential.files)
    func everyCut(_ relative: String) throws {
        let data = try Sweep.bytes(relative)
        guard Sweep.includes(size: data.count) else { return }
        let folder = try Sweep.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var reasons: [String] = []
        for cut in Sweep.offsets(data.count) {
            let path = folder + "/cut-\(cut).xml"
            try Sweep.write(data[0..<cut], to: path)
            defer { try? FileManager.default.removeItem(atPath: path) }
            if !Differential.check(path, label: "\(relative) cut at \(cut)"), let why = Differential.handOverReason(path) {
                reasons.append("\(cut): \(why)")
            }
        }
        // A cut of a well-formed file is finished by the fast path itself (the NEB file has a
        // mismatched tag at byte 21112: every cut after it is handed over, as the whole file is).
        if Differential.handedOver(Corpus.path(relative)) { return }
        #expect(reasons.count < Sweep.offsets(data.count).count / 2, "\(relative): \(reasons.count) cuts handed over: \(reasons.prefix(8))")
    }

    /// Gzip files cut inside the compressed stream: the same recovered bytes reach both paths.
    @Test func gzipCuts() throws {
        let gz = Differential.files.filter { $0.hasSuffix(".gz") }.prefix(3)
        let folder = try Sweep.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for relative in gz {
            let data = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Corpus.path(relative))))
            guard data.count < 3_000_000 else { continue }
            for cut in Sweep.offsets(data.count).enumerated().filter({ $0.offset % 5 == 0 }).map(\.element) {
                let path = folder + "/cut-\(cut).xml.gz"
                try Sweep.write(data[0..<cut], to: path)
                Differential.check(path, label: "\(relative) gzip cut at \(cut)")
                try? FileManager.default.removeItem(atPath: path)
            }
        }
    }

    /// Every fuzz regression input of the vasprun reader.
    @Test func fuzzRegressionInputs() throws {
        let folder = FuzzReplay.path("vasprun")
        for name in try FileManager.default.contentsOfDirectory(atPath: folder).sorted() {
            Differential.check(folder + "/" + name, label: "fuzz/vasprun/\(name)")
        }
        let diff = FuzzReplay.path("vasprun-diff")
        for name in (try? FileManager.default.contentsOfDirectory(atPath: diff).sorted()) ?? [] {
            Differential.check(diff + "/" + name, label: "fuzz/vasprun-diff/\(name)")
        }
    }

    /// Tags, entities and payloads straddling read windows: windows of 1 byte to 64 KiB on small
    /// corpus files, whole and cut, against libxml2 with its usual 1 MiB chunks.
    @Test func tinyWindows() throws {
        let small = Differential.files.filter {
            (try? Sweep.bytes($0).count).map { $0 < 400_000 } ?? false && !$0.hasPrefix("neb") && !$0.hasPrefix("truncated")
        }.prefix(4)
        #expect(!Corpus.available || small.count == 4)
        let folder = try Sweep.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for relative in small {
            let data = try Sweep.bytes(relative)
            let cuts = [data.count] + Sweep.offsets(data.count).enumerated().filter { $0.offset % 10 == 3 }.map(\.element)
            for cut in cuts {
                let path = folder + "/cut-\(cut).xml"
                try Sweep.write(data[0..<cut], to: path)
                for chunk in [1, 7, 64, 4096, 65536] {
                    let ran = Differential.check(path, label: "\(relative) cut at \(cut), window \(chunk)", fastChunk: chunk)
                    if cut == data.count { #expect(ran, "\(relative), window \(chunk): handed over") }
                }
                try? FileManager.default.removeItem(atPath: path)
            }
        }
    }

    // MARK: - Hand-over

    static let header = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
    static let body = """
        <modeling>
         <generator>
          <i name="program" type="string">vasp </i>
          <i name="version" type="string">6.4.2 </i>
         </generator>
         <incar>
          <i type="string" name="SYSTEM">A &amp; B &lt;test&gt;</i>
          <i name="NSW" type="int">      3</i>
         </incar>
         <atominfo>
          <atoms>       1 </atoms>
          <array name="atoms" >
           <set>
            <rc><c>H </c><c>   1</c></rc>
           </set>
          </array>
         </atominfo>
         <calculation>
          <energy>
           <i name="e_fr_energy">     -1.00000000 </i>
           <i name="e_wo_entrp">     -1.10000000 </i>
           <i name="e_0_energy">     -1.05000000 </i>
          </energy>
         </calculation>
        </modeling>

        """

    static func write(_ text: String, name: String) throws -> (folder: String, path: String) {
        let folder = try Sweep.temporaryFolder()
        let path = folder + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return (folder, path)
    }

    /// The plain fixture is read by the fast path itself (predefined entities included) and both
    /// ways alike.
    @Test func plainFixtureRunsFast() throws {
        let (folder, path) = try Self.write(Self.header + Self.body, name: "vasprun.xml")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(Differential.check(path, label: "fixture"))
        let run = try Vasprun.read(path: path, options: Differential.options(.fast))
        #expect(run.incar["SYSTEM"]?.string == "A & B <test>")
        #expect(run.complete)
        #expect(run.ionicSteps.count == 1)
    }

    /// Each construct only libxml2 reads makes the fast path hand over, and `.auto` then gives
    /// libxml2's value.
    @Test(arguments: [
        ("DOCTYPE", "<!DOCTYPE modeling [<!ENTITY x \"y\">]>\n"),
        ("CDATA", "<![CDATA[ <r> ]]>"),
        ("comment", "<!-- a comment -->"),
        ("character reference", "&#65;"),
        ("processing instruction", "<?pi data?>"),
        ("other entity", "&x;"),
        ("carriage return", "\r\n"),
        ("Latin-1 byte", "\u{C5}")
    ])
    func handsOver(_ what: String, _ construct: String) throws {
        // The construct goes after the XML declaration (DOCTYPE) or into <generator>.
        let text =
            what == "DOCTYPE"
            ? Self.header + construct + Self.body
            : Self.header + Self.body.replacingOccurrences(of: " <generator>\n", with: " <generator>" + construct + "\n")
        let (folder, path) = try Self.write(text, name: "vasprun.xml")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(Differential.handedOver(path), "\(what): the fast path did not hand over")
        Differential.check(path, label: what)
    }

    /// Malformed input: the fast path hands over and both ways give the same result.
    @Test(arguments: [
        "<modeling><a></b></modeling>", "<modeling><a x=\"1\" x=\"2\"/></modeling>", "<modeling><a x=1/></modeling>",
        "<modeling><a x=\"1\"y=\"2\"/></modeling>", "<modeling>]]></modeling>", "<modeling></modeling><x/>",
        "text<modeling/>", "<modeling><a:b/></modeling>", "<modeling><a\n/></modeling>", "", "   ", "<modeling",
        "<modeling>&amp", "<modeling><i name='x'>1</i></modeling>trailing", "<?xml version=\"1.1\"?><modeling/>"
    ])
    func malformed(_ text: String) throws {
        let (folder, path) = try Self.write(text, name: "vasprun.xml")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        Differential.check(path, label: text.debugDescription)
    }

    // MARK: - Negative control

    /// The comparison sees a one-bit difference in a number, a NaN against a number, a warning more,
    /// and an `int` parameter read as a `double`.
    @Test func comparisonCatchesDifferences() throws {
        let (folder, path) = try Self.write(Self.header + Self.body, name: "vasprun.xml")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = try Vasprun.read(path: path, options: Differential.options(.libxml2))
        let same = Differential.describe(run)
        #expect(same == Differential.describe(try Vasprun.read(path: path, options: Differential.options(.auto))))

        var energy = run
        let e = try #require(energy.ionicSteps[0].energies)
        energy.ionicSteps[0].energies = EnergyTerms(
            freeEnergy: e.freeEnergy.nextUp, energyWithoutEntropy: e.energyWithoutEntropy, energySigma0: e.energySigma0)
        #expect(Differential.describe(energy) != same)

        var nan = run
        nan.ionicSteps[0].energies = EnergyTerms(freeEnergy: .nan, energyWithoutEntropy: e.energyWithoutEntropy, energySigma0: e.energySigma0)
        #expect(Differential.describe(nan) != same)
        #expect(Differential.describe(nan) == Differential.describe(nan), "NaN equals NaN in the comparison")

        var warned = run
        warned.warnings.append(ReadWarning(SourceLocation(file: path, line: 3), "extra"))
        #expect(Differential.describe(warned) != same)

        var typed = run
        typed.incar.set("NSW", .double(3))
        #expect(Differential.describe(typed) != same)
        #expect(Differential.Outcome.error("a") != Differential.Outcome.error("b"))
    }
}
