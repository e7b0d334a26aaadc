import CLibXML2
import Chemistry
import Files

/// The SAX2 state machine behind ``Vasprun/read(path:options:progress:)``.
///
/// libxml2's push parser is fed chunks of the (decompressed) file; start/end/characters callbacks
/// drive a stack of ``Mode``s that decides, from the element path, what is kept. Text is collected
/// only inside kept leaves; numbers go from the text bytes straight into flat arrays through
/// ``NumberScanner``. No tree is built. Security: `XML_PARSE_NONET`, never `XML_PARSE_NOENT` or
/// `XML_PARSE_DTDLOAD`, and entity declarations are not registered, so no entity is ever expanded.
final class VasprunParser {
    /// What the element being read means; one per open element.
    enum Mode: UInt8 {
        case root, modeling, ignore
        case generator, incar, parameters, separator, responseSeparator, parameterLeaf
        case kpoints, kpointsGeneration, kpointsGenerationLeaf, kpointList, kpointWeights
        case atominfo, atomsArray, atomtypesArray, atomsRow, atomtypesRow, cell
        case structure, crystal, basis, positions, selective
        case calculation, scstep, scstepEnergy, calcEnergy, energyLeaf, forces, stress
        case eigenvalues, dos, dosTotal, dosPartial, projected, scalarLeaf
        case eigenvaluesKpointsOpt, projectedKpointsOpt
        case array, arraySet, arrayField, arrayRow
        case vectorRow, selectiveRow
    }

    /// Which structure a `<structure>` element is.
    enum StructureRole { case initial, final, step }

    /// Which `<array>` is being collected.
    typealias ArrayRole = ArrayCollector.Role

    let file: String
    let options: VasprunOptions

    // Element stack.
    // The hot state is touched several times per XML element. The parser is confined to one thread
    // and never hands out overlapping accesses, so dynamic exclusivity checks (≈ 15 % of the read
    // time, measured in docs/performance.md) are switched off for these properties only.
    @exclusivity(unchecked) private var modes: ContiguousArray<Mode> = [.root]
    /// Element names, parallel to `modes` (minus the root); libxml2 interns them for the parser's life.
    @exclusivity(unchecked) private var names: ContiguousArray<UnsafePointer<UInt8>> = []

    // Text of the current leaf.
    @exclusivity(unchecked) private var collecting = false
    /// `true` inside an `<r>` row whose text goes straight from libxml2's buffer to ``collector``
    /// (no copy into `text`).
    @exclusivity(unchecked) private var feedingRow = false
    @exclusivity(unchecked) private var text = ContiguousArray<UInt8>()
    private var leafName = ""
    private var leafType = ""
    private var leafIsVector = false

    // Result being built.
    private var result: Vasprun
    private var sawModeling = false
    private var closedModeling = false
    private var kpointsDone = false

    // Containers being filled.
    private var kpoints = KpointSet(scheme: nil, divisions: nil, shift: nil, points: [], weights: [])
    private var kpointsIsOpt = false
    private var vectorTarget: [Double] = []
    private var structureRole: StructureRole = .step
    private var basis: [Double] = []
    private var positions: [Double] = []
    private var selectiveFlags: [Bool] = []
    private var pendingStructure: Structure?
    private var cells: [String] = []
    private var declaredAtomCount: Int?

    // The ionic step being read.
    private var step = IonicStep(structure: nil, forces: [], stress: [], energies: nil, scfEnergies: [], scfTermCounts: [])
    private var energyValues: [String: Double] = [:]
    private var energyTermCount = 0
    private var inKpointsOpt = false
    private var dosIsOpt = false
    private var dosEfermi: Double?
    private var dosTotal: ArrayCollector?
    private var dosPartial: ArrayCollector?
    @exclusivity(unchecked) private var collector: ArrayCollector? {
        didSet { activeCollector = collector.map { Unmanaged.passUnretained($0) } }
    }
    /// `collector` without reference counting, for the per-row callbacks (it is kept alive by
    /// `collector`, and changes with it).
    @exclusivity(unchecked) private var activeCollector: Unmanaged<ArrayCollector>?
    /// Upper bound on the decompressed bytes of the file, for sanity-checking announced sizes.
    private var byteBudget = 0

    // Diagnostics.
    private var overflowCounts: [String: (count: Int, invalid: Int, line: Int)] = [:]
    private var errorMessage: String?
    private var errorLine = 0
    /// Set while the final (terminating) chunk is parsed: an error then means the data simply ended.
    private var terminating = false
    private var endedEarly = false
    private(set) var context: xmlParserCtxtPtr?

    init(file: String, options: VasprunOptions) {
        self.file = file
        self.options = options
        result = Vasprun(
            file: file, complete: false, warnings: [], generator: ParameterList(), incar: ParameterList(),
            kpoints: nil, parameters: ParameterList(), atoms: [], atomTypes: [], initialStructure: nil,
            finalStructure: nil, ionicSteps: [], mlffSteps: [], eigenvalues: nil, dos: nil, projected: nil, kpointsOpt: nil,
            dielectricBlockCount: 0)
    }

    // MARK: - Driving libxml2

    func run(source: ByteSource, progress: ((Int, Int) -> Void)?) throws -> Vasprun {
        var handler = VasprunParser.makeHandler()
        let me = Unmanaged.passUnretained(self).toOpaque()
        guard let ctxt = xmlCreatePushParserCtxt(&handler, me, nil, 0, file) else {
            throw VASPError.cannotRead(file: file, reason: "libxml2 could not create a parser")
        }
        context = ctxt
        defer {
            xmlFreeParserCtxt(ctxt)
            context = nil
        }
        prepare(source: source)
        var buffer = [UInt8](repeating: 0, count: max(options.chunkSize, 1))
        var first = buffer.withUnsafeMutableBufferPointer { source.read(into: $0) }
        let latin1 = declaresLatin1(buffer, count: first)
        var parseOptions = XML_PARSE_NONET.rawValue | XML_PARSE_HUGE.rawValue | XML_PARSE_NOCDATA.rawValue
        // VASP declares ISO-8859-1, which makes libxml2 transcode every byte. Its text is ASCII in
        // practice, so the transcoding is skipped and the rare byte ≥ 0x80 is converted here instead.
        if latin1 { parseOptions |= XML_PARSE_IGNORE_ENC.rawValue }
        xmlCtxtUseOptions(ctxt, Int32(parseOptions))

        var converted: [UInt8] = []
        var fed = 0
        var failed = false
        while true {
            let n = first > 0 ? first : buffer.withUnsafeMutableBufferPointer { source.read(into: $0) }
            first = 0
            if n == 0 { break }
            let status: Int32
            if latin1, Latin1.needsConversion(buffer, count: n) {
                Latin1.convert(buffer, count: n, into: &converted)
                status = feed(ctxt, converted, count: converted.count)
            } else {
                status = feed(ctxt, buffer, count: n)
            }
            fed += n
            progress?(source.fileBytesRead, source.fileSize)
            if status != 0 || errorMessage != nil {
                failed = true
                break
            }
        }
        if !failed {
            terminating = true
            _ = xmlParseChunk(ctxt, nil, 0, 1)
        }
        return try finish(bytesFed: fed, compressedTruncated: source.truncatedCompression)
    }

    /// Sets what depends on the source (the bound on announced sizes).
    func prepare(source: ByteSource) {
        byteBudget = source.isCompressed ? source.fileSize.multipliedReportingOverflow(by: 12).partialValue : source.fileSize
    }

    // MARK: - Driven by VasprunFastScanner (the same callbacks libxml2 drives)

    /// The line the fast scanner is at, for warnings (libxml2's own line counter otherwise).
    @exclusivity(unchecked) var fastLine = 0

    /// An element starts: `localname` NUL-terminated and alive for the parser's life; `attributes`
    /// in libxml2's SAX2 layout (see ``Attributes``).
    @inline(__always)
    func fastStart(_ localname: UnsafePointer<UInt8>, _ nAttributes: Int, _ attributes: UnsafeMutablePointer<UnsafePointer<UInt8>?>?) {
        start(localname, nAttributes, attributes)
    }

    /// The innermost element ends, its end tag on `line`.
    @inline(__always)
    func fastEnd(line: Int) {
        fastLine = line
        end()
    }

    /// Character data of the innermost element (one piece of it).
    @inline(__always)
    func fastCharacters(_ piece: UnsafeBufferPointer<UInt8>) {
        if feedingRow {
            activeCollector?._withUnsafeGuaranteedRef { $0.feed(piece) }
        } else if collecting {
            text.append(contentsOf: piece)
        }
    }

    /// The end of the data. `endedInside` is the line libxml2 reports when the data ends inside an
    /// element (its "Extra content at the end of the document" at the terminating chunk), nil when
    /// the document was closed.
    func fastFinish(bytesFed: Int, compressedTruncated: Bool, endedInsideAtLine line: Int?) throws -> Vasprun {
        if let line {
            errorMessage = "the data ends inside an element"
            endedEarly = true
            errorLine = line
        }
        return try finish(bytesFed: bytesFed, compressedTruncated: compressedTruncated)
    }

    /// Hands `count` bytes of `bytes` to libxml2.
    private func feed(_ ctxt: xmlParserCtxtPtr, _ bytes: [UInt8], count: Int) -> Int32 {
        bytes.withUnsafeBufferPointer { raw in
            raw.baseAddress.map { base in
                base.withMemoryRebound(to: CChar.self, capacity: count) { xmlParseChunk(ctxt, $0, Int32(count), 0) }
            } ?? 0
        }
    }

    /// Whether the XML declaration at the start of the data names ISO-8859-1 (VASP's choice).
    private func declaresLatin1(_ bytes: [UInt8], count: Int) -> Bool {
        let head = String(decoding: bytes.prefix(min(count, 200)), as: UTF8.self).lowercased()
        guard head.hasPrefix("<?xml"), let end = head.firstIndex(of: ">") else { return false }
        let declaration = head[..<end]
        return declaration.contains("iso-8859-1") || declaration.contains("latin1") || declaration.contains("latin-1")
    }

    /// How many values to reserve for an array the header says will hold `declared` values: never more
    /// than the file could hold (a value takes at least 7 bytes of text: VASP prints `%8.4f`-like
    /// fields), so a damaged header cannot make the reader allocate more than the data it reads.
    private func plausibleCapacity(_ declared: Double) -> Int {
        guard declared.isFinite, declared > 0 else { return 0 }
        return Int(min(declared, Double(byteBudget / 7)))
    }

    /// The number of `<r>` rows the header announces for a projection or partial-DOS array.
    private func announcedRows(_ role: ArrayRole) -> Double {
        let components = Double(isNoncollinearRun ? 4 : (result.parameters["ISPIN"]?.int ?? 1))
        let ions = Double(result.atoms.count)
        switch role {
        case .projected:
            let kpoints = Double(result.kpoints?.points.count ?? 0)
            return components * kpoints * Double(result.parameters["NBANDS"]?.int ?? 0) * ions
        case .dosPartial:
            return components * ions * Double(result.parameters["NEDOS"]?.int ?? 0)
        default:
            return 0
        }
    }

    private var isNoncollinearRun: Bool {
        result.parameters["LNONCOLLINEAR"]?.bool == true || result.parameters["LSORBIT"]?.bool == true
    }

    private func finish(bytesFed: Int, compressedTruncated: Bool) throws -> Vasprun {
        // libxml2 calls an empty document "Extra content at the end of the document".
        if bytesFed == 0 {
            let what = compressedTruncated ? "the gzip stream ends before any data" : "the file is empty"
            throw VASPError.malformed(SourceLocation(file: file), "not a vasprun.xml: \(what)")
        }
        guard sawModeling else {
            let reason =
                errorMessage.map { "not a vasprun.xml (XML error: \($0))" }
                ?? "not a vasprun.xml: no <modeling> element"
            throw VASPError.malformed(SourceLocation(file: file, line: errorLine > 0 ? errorLine : nil), reason)
        }
        for (path, entry) in overflowCounts.sorted(by: { $0.key < $1.key }) {
            if entry.count > 0 { warn(line: entry.line, path: path, "\(entry.count) overflowed field(s) `****` read as NaN") }
            if entry.invalid > 0 { warn(line: entry.line, path: path, "\(entry.invalid) byte(s) that are not numbers skipped") }
        }
        let ended = closedModeling && errorMessage == nil
        if !ended {
            let path = path
            if compressedTruncated {
                warn(line: nil, path: path, "gzip stream ends early after \(bytesFed) decompressed bytes")
            }
            salvagePartialStep()
            let what =
                endedEarly || errorMessage == nil
                ? "file ends inside <\(path)>" : "XML error: \(errorMessage ?? "")"
            result.warnings.append(
                ReadWarning(
                    SourceLocation(file: file, line: errorLine > 0 ? errorLine : nil, byteOffset: bytesFed, context: path),
                    "incomplete file (\(what)) after \(bytesFed) bytes; kept the header and \(result.ionicSteps.count) complete ionic step(s)"
                ))
        }
        if result.finalStructure == nil {
            result.finalStructure = result.ionicSteps.last?.structure ?? result.initialStructure
        }
        result.complete = ended
        return result
    }

    /// A killed job may have written a calculation's energy, structure and forces but not its
    /// closing tag: keep that step when its calc-level energy is complete.
    private func salvagePartialStep() {
        guard modes.contains(.calculation), step.energies != nil else { return }
        result.ionicSteps.append(step)
        warn(line: nil, path: "modeling/calculation", "kept the last ionic step: its <energy> block is complete but </calculation> is missing")
    }

    private func warn(line: Int?, path: String, _ message: String) {
        result.warnings.append(ReadWarning(SourceLocation(file: file, line: line, context: path), message))
    }

    private var currentLine: Int {
        guard let context else { return fastLine }
        return Int(xmlSAX2GetLineNumber(context))
    }

    // MARK: - SAX callbacks

    private static func makeHandler() -> xmlSAXHandler {
        var h = xmlSAXHandler()
        h.initialized = XML_SAX2_MAGIC
        h.startElementNs = { ctx, localname, _, _, _, _, nAttributes, _, attributes in
            guard let ctx, let localname else { return }
            Unmanaged<VasprunParser>.fromOpaque(ctx)._withUnsafeGuaranteedRef {
                $0.start(localname, Int(nAttributes), attributes)
            }
        }
        h.endElementNs = { ctx, _, _, _ in
            guard let ctx else { return }
            Unmanaged<VasprunParser>.fromOpaque(ctx)._withUnsafeGuaranteedRef { $0.end() }
        }
        h.characters = { ctx, bytes, length in
            guard let ctx, let bytes else { return }
            Unmanaged<VasprunParser>.fromOpaque(ctx)._withUnsafeGuaranteedRef { me in
                let piece = UnsafeBufferPointer(start: bytes, count: Int(length))
                if me.feedingRow {
                    me.activeCollector?._withUnsafeGuaranteedRef { $0.feed(piece) }
                } else if me.collecting {
                    me.text.append(contentsOf: piece)
                }
            }
        }
        h.serror = { ctx, error in
            guard let ctx, let error else { return }
            let me = Unmanaged<VasprunParser>.fromOpaque(ctx).takeUnretainedValue()
            me.recordError(error.pointee)
        }
        // No entity handling at all: declarations are ignored, references are not expanded.
        h.entityDecl = nil
        h.getEntity = nil
        h.getParameterEntity = nil
        h.externalSubset = nil
        h.internalSubset = nil
        h.resolveEntity = nil
        h.reference = nil
        return h
    }

    fileprivate func recordError(_ error: xmlError) {
        // Warnings (level 1) do not stop the parse; errors and fatal errors do.
        guard error.level.rawValue >= XML_ERR_ERROR.rawValue, errorMessage == nil else { return }
        let message = error.message.map { String(cString: $0) } ?? "unknown XML error"
        errorMessage = message.trimmingCharacters()
        endedEarly = terminating && !closedModeling
        errorLine = Int(error.line)
        // A start tag cut by the end of the data (`<varr`) reaches startElementNs before libxml2
        // reports "Couldn't find end of Start Tag": that element was never opened.
        if error.code == Int32(XML_ERR_GT_REQUIRED.rawValue), let tag = error.str1, let open = names.last,
            modes.count > 1, String(cString: tag) == String(cString: open)
        {
            abandonStart()
        }
        if let context { xmlStopParser(context) }
    }

    /// Forgets the element just started: its start tag was cut by the end of the data.
    func abandonStart() {
        names.removeLast()
        modes.removeLast()
        collecting = false
        feedingRow = false
    }

    // MARK: - Start of an element

    private func start(_ localname: UnsafePointer<UInt8>, _ nAttributes: Int, _ attributes: UnsafeMutablePointer<UnsafePointer<UInt8>?>?) {
        let parent = modes[modes.count - 1]
        names.append(localname)
        if parent == .ignore {
            modes.append(.ignore)
            return
        }
        // Hot path: rows of the big arrays.
        if parent == .arraySet, localname[0] == 0x72, localname[1] == 0 {  // <r>
            beginRow()
            modes.append(.arrayRow)
            return
        }
        let name = String(cString: localname)
        modes.append(childMode(parent: parent, name: name, attributes: Attributes(count: nAttributes, raw: attributes)))
    }

    /// The element path being read, e.g. `modeling/calculation/dos/total`.
    private var path: String {
        names.map { String(cString: $0) }.joined(separator: "/")
    }

    private func beginText() {
        collecting = true
        text.removeAll(keepingCapacity: true)
    }

    /// An `<r>` row of an array: its text is scanned where libxml2 delivers it.
    private func beginRow() {
        guard let c = activeCollector else { return }
        c._withUnsafeGuaranteedRef { $0.beginRow() }
        feedingRow = true
    }

    private func beginLeaf(_ attributes: Attributes, vector: Bool = false) {
        leafName = attributes["name"]?.trimmingCharacters() ?? ""
        leafType = attributes["type"] ?? ""
        leafIsVector = vector
        beginText()
    }

    // swiftlint:disable:next cyclomatic_complexity function_body_length
    private func childMode(parent: Mode, name: String, attributes: Attributes) -> Mode {
        switch parent {
        case .root:
            if name == "modeling" {
                sawModeling = true
                return .modeling
            }
            return .ignore
        case .modeling:
            return modelingChild(name, attributes)
        case .generator, .incar, .parameters, .separator, .responseSeparator:
            if name == "i" || name == "v" {
                beginLeaf(attributes, vector: name == "v")
                return .parameterLeaf
            }
            if name == "separator" && parent != .generator && parent != .incar {
                let response = parent == .responseSeparator || attributes["name"]?.trimmingCharacters() == "response functions"
                return response ? .responseSeparator : .separator
            }
            return .ignore
        case .kpoints:
            if name == "generation" {
                kpoints.scheme = attributes["param"]
                return .kpointsGeneration
            }
            if name == "varray" {
                switch attributes["name"] {
                case "kpointlist":
                    vectorTarget = []
                    return .kpointList
                case "weights":
                    vectorTarget = []
                    return .kpointWeights
                default: return .ignore
                }
            }
            return .ignore
        case .kpointsGeneration:
            if name == "v" || name == "i" {
                beginLeaf(attributes)
                return .kpointsGenerationLeaf
            }
            return .ignore
        case .kpointList, .kpointWeights, .basis, .positions, .forces, .stress:
            if name == "v" {
                beginText()
                return .vectorRow
            }
            return .ignore
        case .selective:
            if name == "v" {
                beginText()
                return .selectiveRow
            }
            return .ignore
        case .atominfo:
            if name == "atoms" {
                beginLeaf(attributes)
                return .scalarLeaf
            }
            if name == "array" {
                switch attributes["name"] {
                case "atoms": return .atomsArray
                case "atomtypes": return .atomtypesArray
                default: return .ignore
                }
            }
            return .ignore
        case .atomsArray, .atomtypesArray:
            if name == "set" { return parent }
            if name == "rc" {
                cells = []
                return parent == .atomsArray ? .atomsRow : .atomtypesRow
            }
            return .ignore
        case .atomsRow, .atomtypesRow:
            if name == "c" {
                beginText()
                return .cell
            }
            return .ignore
        case .structure:
            if name == "crystal" { return .crystal }
            if name == "varray" {
                switch attributes["name"] {
                case "positions":
                    vectorTarget = []
                    return .positions
                case "selective":
                    selectiveFlags = []
                    return .selective
                default: return .ignore
                }
            }
            return .ignore
        case .crystal:
            if name == "varray", attributes["name"] == "basis" {
                vectorTarget = []
                return .basis
            }
            return .ignore
        case .calculation:
            return calculationChild(name, attributes)
        case .scstep:
            if name == "energy" { return beginEnergy(.scstepEnergy) }
            return .ignore
        case .scstepEnergy, .calcEnergy:
            if name == "i" {
                beginLeaf(attributes)
                return .energyLeaf
            }
            return .ignore
        case .eigenvalues:
            if name == "array" {
                collector = ArrayCollector(role: .eigenvalues)
                return .array
            }
            return .ignore
        case .eigenvaluesKpointsOpt:
            if name == "kpoints" {
                kpointsIsOpt = true
                kpoints = KpointSet(scheme: nil, divisions: nil, shift: nil, points: [], weights: [])
                return .kpoints
            }
            if name == "eigenvalues", options.readEigenvalues { return .eigenvalues }
            return .ignore
        case .projectedKpointsOpt, .projected:
            if name == "array", options.readProjections {
                collector = ArrayCollector(role: .projected)
                if parent == .projected { collector?.announcedRows = plausibleCapacity(announcedRows(.projected)) }
                return .array
            }
            // KPOINTS_OPT occupations are only written here (eigenvalues_kpoints_opt has energies only).
            if name == "eigenvalues", parent == .projectedKpointsOpt, options.readEigenvalues { return .eigenvalues }
            return .ignore
        case .dos:
            if name == "i", attributes["name"] == "efermi" {
                beginLeaf(attributes)
                return .scalarLeaf
            }
            if name == "total" { return .dosTotal }
            if name == "partial" { return .dosPartial }
            return .ignore
        case .dosTotal:
            if name == "array" {
                collector = ArrayCollector(role: .dosTotal)
                return .array
            }
            return .ignore
        case .dosPartial:
            if name == "array" {
                collector = ArrayCollector(role: .dosPartial)
                collector?.announcedRows = plausibleCapacity(announcedRows(.dosPartial))
                return .array
            }
            return .ignore
        case .array, .arraySet:
            if name == "set" {
                collector?.openSet()
                return .arraySet
            }
            if name == "field" {
                beginText()
                return .arrayField
            }
            if name == "r" {
                beginRow()
                return .arrayRow
            }
            return .ignore
        default:
            return .ignore
        }
    }

    private func modelingChild(_ name: String, _ attributes: Attributes) -> Mode {
        switch name {
        case "generator": return .generator
        case "incar": return .incar
        case "parameters": return .parameters
        case "atominfo": return .atominfo
        case "kpoints":
            if kpointsDone { return .ignore }
            kpointsIsOpt = false
            return .kpoints
        case "structure":
            switch attributes["name"] {
            case "initialpos": structureRole = .initial
            case "finalpos": structureRole = .final
            case nil where isMLFF:
                // An MLFF MD step written outside <calculation> (VASP 6.3+, pymatgen #4200).
                step = IonicStep(structure: nil, forces: [], stress: [], energies: nil, scfEnergies: [], scfTermCounts: [])
                structureRole = .step
            default: return .ignore
            }
            return .structure
        case "varray" where isMLFF:
            return stepVarray(attributes)
        case "energy" where isMLFF:
            return beginEnergy(.calcEnergy)
        case "calculation":
            step = IonicStep(structure: nil, forces: [], stress: [], energies: nil, scfEnergies: [], scfTermCounts: [])
            return .calculation
        default:
            return .ignore
        }
    }

    /// `<varray name="forces">` or `"stress"` of an ionic step (inside `<calculation>` or an MLFF step).
    private func stepVarray(_ attributes: Attributes) -> Mode {
        switch attributes["name"] {
        case "forces":
            vectorTarget = []
            return .forces
        case "stress":
            vectorTarget = []
            return .stress
        default: return .ignore
        }
    }

    /// Starts an `<energy>` block (SCF-level or calc-level).
    private func beginEnergy(_ mode: Mode) -> Mode {
        energyValues = [:]
        energyTermCount = 0
        return mode
    }

    private var isMLFF: Bool { result.incar["ML_LMLFF"]?.bool == true }

    private func calculationChild(_ name: String, _ attributes: Attributes) -> Mode {
        switch name {
        case "scstep": return .scstep
        case "structure":
            structureRole = .step
            return .structure
        case "varray":
            return stepVarray(attributes)
        case "energy":
            return beginEnergy(.calcEnergy)
        case "eigenvalues":
            inKpointsOpt = false
            return options.readEigenvalues ? .eigenvalues : .ignore
        case "dos":
            guard options.readDOS else { return .ignore }
            dosIsOpt = attributes["comment"] == "kpoints_opt"
            dosEfermi = nil
            dosTotal = nil
            dosPartial = nil
            return .dos
        case "projected":
            inKpointsOpt = false
            return options.readProjections ? .projected : .ignore
        case "eigenvalues_kpoints_opt":
            inKpointsOpt = true
            return .eigenvaluesKpointsOpt
        case "projected_kpoints_opt":
            inKpointsOpt = true
            return .projectedKpointsOpt
        case "dielectricfunction":
            result.dielectricBlockCount += 1
            return .ignore
        default:
            return .ignore
        }
    }

    // MARK: - End of an element

    private func end() {
        guard let mode = modes.popLast() else { return }
        defer { _ = names.popLast() }
        switch mode {
        case .ignore, .root:
            return
        case .arrayRow:
            endRow()
        case .vectorRow:
            endVector()
        default:
            endBlock(mode)
        }
    }

    private func endRow() {
        guard feedingRow else { return }
        feedingRow = false
        guard let c = activeCollector else { return }
        let tally = c._withUnsafeGuaranteedRef { $0.endRow() }
        if tally.overflows > 0 || tally.invalid > 0 { noteOverflow(tally) }
    }

    private func endVector() {
        collecting = false
        let tally = text.withUnsafeBufferPointer { NumberScanner.scan($0, into: &vectorTarget) }
        noteOverflow(tally)
    }

    private func noteOverflow(_ tally: NumberScanner.Tally) {
        guard tally.overflows > 0 || tally.invalid > 0 else { return }
        let path = path
        let line = currentLine
        if let existing = overflowCounts[path] {
            overflowCounts[path] = (existing.count + tally.overflows, existing.invalid + tally.invalid, existing.line)
        } else {
            overflowCounts[path] = (tally.overflows, tally.invalid, line)
        }
    }

    private func leafText() -> String {
        collecting = false
        return String(decoding: text, as: UTF8.self)
    }

    // swiftlint:disable:next cyclomatic_complexity
    private func endBlock(_ mode: Mode) {
        switch mode {
        case .parameterLeaf:
            storeParameter(parent: modes[modes.count - 1])
        case .kpointsGenerationLeaf:
            let values = NumberScanner.doubles(in: leafText()).values
            // Int(exactly:): a damaged `1e300` or `NaN` is not a division (Int(_:) would trap).
            if leafName == "divisions" { kpoints.divisions = values.compactMap { Int(exactly: $0) } }
            if leafName == "usershift" { kpoints.shift = values }
        case .kpointList:
            kpoints.points = triples(vectorTarget)
        case .kpointWeights:
            kpoints.weights = vectorTarget
        case .kpoints:
            finishKpoints()
        case .scalarLeaf:
            storeScalarLeaf(parent: modes[modes.count - 1])
        case .cell:
            cells.append(leafText().trimmingCharacters())
        case .atomsRow:
            if let symbol = cells.first { result.atoms.append(normalisedSymbol(symbol)) }
        case .atomtypesRow:
            storeAtomType()
        case .basis:
            basis = vectorTarget
        case .positions:
            positions = vectorTarget
        case .selectiveRow:
            let flags = leafText().split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).map { $0 == "T" }
            selectiveFlags.append(contentsOf: flags)
        case .structure:
            finishStructure()
        case .energyLeaf:
            let raw = leafText()
            energyTermCount += 1
            energyValues[leafName] = NumberScanner.double(raw) ?? .nan
        case .scstepEnergy:
            if let terms = energyTerms() {
                step.scfEnergies.append(terms)
                step.scfTermCounts.append(energyTermCount)
            }
        case .calcEnergy:
            step.energies = energyTerms()
            if modes[modes.count - 1] == .modeling { result.mlffSteps.append(step) }
        case .forces:
            step.forces = triples(vectorTarget)
        case .stress:
            step.stress = triples(vectorTarget)
        case .calculation:
            result.ionicSteps.append(step)
        case .arrayField:
            collector?.addField(leafText().trimmingCharacters())
        case .arraySet:
            collector?.closeSet()
        case .array:
            finishArray()
        case .dos:
            finishDOS()
        case .modeling:
            closedModeling = true
        default:
            return
        }
    }

    // MARK: - Building values

    private func storeParameter(parent: Mode) {
        let raw = leafText()
        let value = typedValue(raw: raw, type: leafType, isVector: leafIsVector)
        switch parent {
        case .generator: result.generator.set(leafName, value)
        case .incar: result.incar.set(leafName, value)
        case .responseSeparator: result.parameters.set(leafName, value, replace: false)
        default: result.parameters.set(leafName, value)
        }
    }

    /// pymatgen's `_parse_parameters` / `_parse_v_parameters` typing.
    private func typedValue(raw: String, type: String, isVector: Bool) -> ParameterValue {
        let trimmed = raw.trimmingCharacters()
        let tokens = trimmed.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).map(String.init)
        switch (type, isVector) {
        case ("logical", false): return .bool(trimmed == "T")
        case ("logical", true): return .bools(tokens.map { $0 == "T" })
        case ("string", false): return .string(trimmed)
        case ("string", true): return .strings(tokens)
        case ("int", false):
            return Int(trimmed).map(ParameterValue.int) ?? .unreadable(trimmed)
        case ("int", true):
            let ints = tokens.compactMap { Int($0) }
            return ints.count == tokens.count ? .ints(ints) : .unreadable(trimmed)
        case (_, false):
            let values = NumberScanner.doubles(in: trimmed)
            guard values.values.count == 1, values.tally.overflows == 0 else { return .unreadable(trimmed) }
            return .double(values.values[0])
        case (_, true):
            let values = NumberScanner.doubles(in: trimmed)
            guard values.tally.overflows == 0, values.tally.invalid == 0 else { return .unreadable(trimmed) }
            return .doubles(values.values)
        }
    }

    private func storeScalarLeaf(parent: Mode) {
        let raw = leafText()
        switch parent {
        case .dos:
            dosEfermi = NumberScanner.double(raw)
        case .atominfo:
            declaredAtomCount = Int(raw.trimmingCharacters())
        default:
            return
        }
    }

    private func finishKpoints() {
        if kpointsIsOpt {
            var opt = result.kpointsOpt ?? KpointsOptData()
            opt.kpoints = kpoints
            result.kpointsOpt = opt
        } else {
            result.kpoints = kpoints
            kpointsDone = true
        }
        kpoints = KpointSet(scheme: nil, divisions: nil, shift: nil, points: [], weights: [])
    }

    private func storeAtomType() {
        guard cells.count >= 5 else {
            warn(line: currentLine, path: path, "atomtypes row with \(cells.count) columns, expected 5; skipped")
            return
        }
        let type = AtomType(
            element: normalisedSymbol(cells[1]), count: Int(cells[0]) ?? 0,
            mass: NumberScanner.double(cells[2]) ?? .nan, valence: NumberScanner.double(cells[3]) ?? .nan,
            pseudopotential: cells[4])
        result.atomTypes.append(type)
    }

    /// VASP writes element symbols in two characters (`"O "`); `X` means Xe and `r` Zr (pymatgen).
    private func normalisedSymbol(_ raw: String) -> String {
        let s = raw.trimmingCharacters()
        switch s {
        case "X": return "Xe"
        case "r": return "Zr"
        default: return s
        }
    }

    private func finishStructure() {
        defer { pendingStructure = nil }
        guard basis.count == 9, let lattice = Lattice(rows: [Array(basis[0..<3]), Array(basis[3..<6]), Array(basis[6..<9])]) else {
            warn(line: currentLine, path: path, "structure without a 3×3 basis; skipped")
            return
        }
        let fractional = triples(positions)
        var species = result.atoms
        if species.count != fractional.count {
            if !species.isEmpty {
                warn(line: currentLine, path: path, "structure has \(fractional.count) positions but <atominfo> lists \(species.count) atoms; species set to X")
            }
            species = Array(repeating: "X", count: fractional.count)
        }
        var selective: [MovableAxes]?
        if selectiveFlags.count == 3 * fractional.count, !fractional.isEmpty {
            selective = stride(from: 0, to: selectiveFlags.count, by: 3).map {
                MovableAxes(selectiveFlags[$0], selectiveFlags[$0 + 1], selectiveFlags[$0 + 2])
            }
        }
        let structure = Structure(
            lattice: lattice, species: species, fractionalPositions: fractional,
            selectiveDynamics: selective, charge: result.netCharge ?? 0)
        selectiveFlags = []
        switch structureRole {
        case .initial: result.initialStructure = structure
        case .final: result.finalStructure = structure
        case .step: step.structure = structure
        }
    }

    private func energyTerms() -> EnergyTerms? {
        guard let fr = energyValues["e_fr_energy"], let wo = energyValues["e_wo_entrp"], let e0 = energyValues["e_0_energy"]
        else { return nil }
        return EnergyTerms(freeEnergy: fr, energyWithoutEntropy: wo, energySigma0: e0)
    }

    private func triples(_ flat: [Double]) -> [SIMD3<Double>] {
        let n = flat.count / 3
        var out: [SIMD3<Double>] = []
        out.reserveCapacity(n)
        for i in 0..<n { out.append(SIMD3(flat[3 * i], flat[3 * i + 1], flat[3 * i + 2])) }
        return out
    }

    // MARK: - Arrays

    private func finishArray() {
        guard let c = collector else { return }
        collector = nil
        feedingRow = false
        c.seal()
        let path = path
        if let problem = c.problem {
            warn(line: currentLine, path: path, "\(problem); block skipped")
            return
        }
        switch c.role {
        case .eigenvalues: storeEigenvalues(c, path: path)
        case .projected: storeProjected(c, path: path)
        case .dosTotal: dosTotal = c
        case .dosPartial: dosPartial = c
        }
    }

    private func storeEigenvalues(_ c: ArrayCollector, path: String) {
        guard let shape = c.regularShape(levels: 2), !c.fields.isEmpty else {
            warn(line: currentLine, path: path, "eigenvalue array is not [spin][kpoint][band]; skipped")
            return
        }
        let (spins, kpts, bands, width) = (shape[0], shape[1], shape[2], c.fields.count)
        var energies = ContiguousArray<Double>()
        var occupations = ContiguousArray<Double>()
        energies.reserveCapacity(spins * kpts * bands)
        occupations.reserveCapacity(spins * kpts * bands)
        for row in 0..<(spins * kpts * bands) {
            energies.append(c.doubles[row * width])
            // KPOINTS_OPT's eigenvalues_kpoints_opt block has no occupation column.
            occupations.append(width > 1 ? c.doubles[row * width + 1] : .nan)
        }
        guard let e = ShapedArray(shape: [spins, kpts, bands], values: energies),
            let o = ShapedArray(shape: [spins, kpts, bands], values: occupations)
        else { return }
        let value = BandEigenvalues(energies: e, occupations: o)
        if inKpointsOpt {
            var opt = result.kpointsOpt ?? KpointsOptData()
            opt.eigenvalues = value
            result.kpointsOpt = opt
        } else {
            result.eigenvalues = value
        }
    }

    private func storeProjected(_ c: ArrayCollector, path: String) {
        guard let shape = c.regularShape(levels: 3),
            let weights = ShapedArray(shape: shape + [c.fields.count], values: c.floats)
        else {
            warn(line: currentLine, path: path, "projection array is not [spin][kpoint][band][ion][orbital]; skipped")
            return
        }
        let value = ProjectedEigenvalues(weights: weights, orbitalLabels: c.fields)
        if inKpointsOpt {
            var opt = result.kpointsOpt ?? KpointsOptData()
            opt.projected = value
            result.kpointsOpt = opt
        } else {
            result.projected = value
        }
    }

    private func finishDOS() {
        let path = path
        guard let total = dosTotal, let shape = total.regularShape(levels: 1), total.fields.count >= 3 else {
            warn(line: currentLine, path: path, "DOS block without a readable total DOS; skipped")
            return
        }
        let (components, n, width) = (shape[0], shape[1], total.fields.count)
        var energies = [Double](repeating: 0, count: n)
        var densities = ContiguousArray<Double>(repeating: 0, count: components * n)
        var integrated = ContiguousArray<Double>(repeating: 0, count: components * n)
        for s in 0..<components {
            for i in 0..<n {
                let row = (s * n + i) * width
                if s == 0 { energies[i] = total.doubles[row] }
                densities[s * n + i] = total.doubles[row + 1]
                integrated[s * n + i] = total.doubles[row + 2]
            }
        }
        guard let t = ShapedArray(shape: [components, n], values: densities),
            let g = ShapedArray(shape: [components, n], values: integrated)
        else { return }
        var partial: ShapedArray<Double>?
        var labels: [String] = []
        if let p = dosPartial {
            labels = Array(p.fields.dropFirst())
            if let pshape = p.regularShape(levels: 2), pshape[2] == n, pshape[1] == components {
                partial = ShapedArray(shape: pshape + [labels.count], values: p.doubles)
            } else {
                warn(line: currentLine, path: path, "partial DOS is not [ion][spin][energy]; skipped")
                labels = []
            }
        }
        let value = DensityOfStates(
            efermi: dosEfermi ?? .nan, energies: energies, total: t, integrated: g, partial: partial,
            orbitalLabels: labels, isNoncollinear: components == 4)
        if dosIsOpt {
            var opt = result.kpointsOpt ?? KpointsOptData()
            opt.dos = value
            result.kpointsOpt = opt
        } else {
            result.dos = value
        }
    }
}
