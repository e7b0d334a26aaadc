// libFuzzer target: the vasprun fast path against libxml2 (issue 15 item 2). Each input is read with
// `xmlPath: .libxml2` and with `.auto` (the fast scanner, handing over to libxml2 at what it does not
// know), and with `.fast` at a 7-byte window (tags and payloads across windows); any difference in
// value, warnings or error stops the fuzzer. The comparison walks the whole value (as
// Tests/VASPTests/VasprunFastPathTests.swift does): every stored property, dictionaries sorted,
// numbers by bit pattern with every NaN alike.
import VASP

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzVasprunDiff(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let path = FuzzInput.file(data, size, name: "vasprun.xml")
    let referee = DiffRead.outcome(path, VasprunOptions(xmlPath: .libxml2))
    let fast = DiffRead.outcome(path, VasprunOptions(xmlPath: .auto))
    if referee != fast { fatalError("fast path differs from libxml2: \(DiffRead.firstDifference(referee, fast))") }
    let tinyReferee = DiffRead.outcome(path, VasprunOptions(chunkSize: 7, xmlPath: .libxml2))
    let tiny = DiffRead.outcome(path, VasprunOptions(chunkSize: 7, xmlPath: .fast))
    if case .error(let message) = tiny, message.contains("fast path handed over") { return 0 }
    if tinyReferee != tiny { fatalError("fast path (7-byte window) differs: \(DiffRead.firstDifference(tinyReferee, tiny))") }
    return 0
}

enum DiffRead {
    enum Outcome: Equatable {
        case value([String])
        case error(String)
    }

    static func outcome(_ path: String, _ options: VasprunOptions) -> Outcome {
        do {
            let run = try Vasprun.read(path: path, options: options)
            var lines: [String] = []
            walk(run, "run", &lines)
            return .value(lines)
        } catch {
            FuzzInput.check(error, path: path)
            return .error(String(describing: error))
        }
    }

    static func walk(_ value: Any, _ path: String, _ lines: inout [String]) {
        switch value {
        case let d as Double: lines.append("\(path)=\(d.isNaN ? "nan" : String(d.bitPattern, radix: 16))")
        case let f as Float: lines.append("\(path)=\(f.isNaN ? "nan" : String(f.bitPattern, radix: 16))")
        default:
            let mirror = Mirror(reflecting: value)
            if mirror.children.isEmpty {
                lines.append("\(path)=\(String(reflecting: value))")
                return
            }
            if mirror.displayStyle == .dictionary || mirror.displayStyle == .set {
                var entries: [String] = []
                for child in mirror.children {
                    var sub: [String] = []
                    walk(child.value, "", &sub)
                    entries.append(sub.joined(separator: "|"))
                }
                lines.append(contentsOf: entries.sorted().map { "\(path){\($0)}" })
                return
            }
            lines.append("\(path):\(mirror.children.count)")
            for (k, child) in mirror.children.enumerated() { walk(child.value, path + "." + (child.label ?? "\(k)"), &lines) }
        }
    }

    static func firstDifference(_ a: Outcome, _ b: Outcome) -> String {
        func lines(_ o: Outcome) -> [String] {
            switch o {
            case .value(let l): return l
            case .error(let e): return ["error: " + e]
            }
        }
        let x = lines(a)
        let y = lines(b)
        for k in 0..<max(x.count, y.count) where k >= x.count || k >= y.count || x[k] != y[k] {
            return "libxml2 «\(k < x.count ? x[k] : "<none>")» fast «\(k < y.count ? y[k] : "<none>")»"
        }
        return "none"
    }
}
