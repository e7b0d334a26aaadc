import ArgumentParser
import Files
import Report
import Study
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The files compiled into `cascade` (Study's ``BundledResources``: the bundled studies, their input
/// sets, job template and structures, and the example vasprun.xml), unpacked on first use into the
/// user's cache, so the commands that default to them work wherever the binary is copied.
enum Bundled {
    /// The folder holding the bundled files; throws the reason when they cannot be unpacked.
    static func root() throws -> String {
        do {
            return try BundledResources.root()
        } catch {
            throw ValidationError("cannot unpack the files bundled with cascade: \(error)")
        }
    }

    /// The bundled founding study's manifest (`templates/studies/tfsi-mof-copc.yaml` in the bundle).
    static func studyPath() throws -> String {
        try studiesFolder() + "/\(BundledResources.defaultStudy).yaml"
    }

    /// The folder of the bundled study manifests (`templates/studies` in the bundle).
    static func studiesFolder() throws -> String {
        try root() + "/" + BundledResources.studiesFolder
    }

    /// The small vasprun.xml (written by `tools/make_example_vasprun.py`) `cascade parse` reads with no file.
    static func examplePath() throws -> String {
        try root() + "/" + BundledResources.example
    }
}

/// The one progress bar of the CLI: Report's ``ProgressText`` drawn on standard error, only when it
/// is a terminal, and cleared when done. `.bytes` shows a percentage (`parse`, files over 50 MB only);
/// `.count` shows `done/total` and the item's name (`tabulate`, called from worker threads).
final class ProgressBar: Sendable {
    private let label: String
    private let unit: ProgressText.Unit
    private let enabled: Bool
    /// (last percent drawn, something is drawn).
    private let state = Mutex((percent: -1, drawn: false))

    init(label: String, unit: ProgressText.Unit = .bytes) {
        self.label = label
        self.unit = unit
        enabled = isatty(2) != 0
    }

    /// `done` of `total` (bytes or items); `name` is the item just finished (`.count`).
    func update(_ done: Int, _ total: Int, _ name: String = "") {
        guard enabled, let line = ProgressText.line(done, of: total, label: label, name: name, unit: unit) else { return }
        state.withLock { state in
            // A byte count redraws only when the percentage moves.
            if unit == .bytes, line.percent == state.percent { return }
            writeStandardError(line.text)
            state = (line.percent, true)
        }
    }

    func clear() {
        state.withLock { state in
            guard state.drawn else { return }
            writeStandardError(ProgressText.clear)
            state.drawn = false
        }
    }
}

/// How errors about the runs a user named are printed: when a folder was resolved to a file inside it
/// (`run/` → `run/vasprun.xml`, `run/CHGCAR`, `run/ACF.dat`) and the error names that file, the
/// message also gives the path as typed, so both are on the line.
enum RunInputs {
    /// `error`'s text, followed by ` (given as INPUT, resolved to FILE)` when it names a file inside
    /// one of the folders in `inputs`.
    static func describe(_ error: Error, inputs: [String]) -> String {
        let text = "\(error)"
        for input in inputs {
            let folder = PathText.trimmingTrailingSlash(input)
            guard !folder.isEmpty, text.hasPrefix(folder + "/"), let colon = text.firstIndex(of: ":") else { continue }
            return text + " (given as \(input), resolved to \(text[..<colon]))"
        }
        return text
    }
}

/// When Cascade may colour its output. No command colours anything today; a command that starts to
/// must ask here: colour only when the stream is a terminal and `NO_COLOR` (https://no-color.org) is
/// unset or empty, and never for `TERM=dumb`.
enum Colour {
    /// `true` when colour may be written to file descriptor `fd` (1 = stdout, 2 = stderr).
    static func isAllowed(onDescriptor fd: Int32) -> Bool {
        let noColor = getenv("NO_COLOR").map { String(cString: $0) }
        let term = getenv("TERM").map { String(cString: $0) }
        return ColourPolicy.isAllowed(isTerminal: isatty(fd) != 0, noColor: noColor, term: term)
    }
}

/// A `cascade` subcommand whose failures are all printed one way: `run()` calls ``execute()``, and any
/// error becomes one `error: …` line on standard error and exit status 1 (an `ExitCode` passes through).
protocol CascadeCommand: ParsableCommand {
    /// The command's work: parse, compute, print. Throws on any failure.
    func execute() throws
    /// The paths as the user typed them, so an error about a file found inside one of them shows both.
    var typedInputs: [String] { get }
    /// A line printed after the error (e.g. "nothing written"), or nil.
    func afterError(_ error: Error) -> String?
}

extension CascadeCommand {
    var typedInputs: [String] { [] }

    func afterError(_ error: Error) -> String? { nil }

    func run() throws {
        do {
            try execute()
        } catch let exit as ExitCode {
            throw exit
        } catch {
            let text = (error as? ValidationError)?.message ?? RunInputs.describe(error, inputs: typedInputs)
            printError("error: " + text)
            if let line = afterError(error) { printError(line) }
            throw ExitCode(1)
        }
    }
}

/// The study manifest argument that `generate`, `doctor`, `tabulate`, `submit`, `status` and `resume`
/// share: a YAML path, the bundled founding study when omitted.
struct ManifestArgument: ParsableArguments {
    @Argument(help: "The study manifest (YAML). Default: the bundled templates/studies/tfsi-mof-copc.yaml.")
    var study: String?

    /// The manifest's path: the one given, else the bundled study's.
    func path() throws -> String {
        try study ?? Bundled.studyPath()
    }

    /// The manifest, read and checked; its errors say "cannot read the manifest" on one line.
    func load() throws -> StudyManifest {
        let file = try path()
        do {
            return try StudyManifest.load(path: file)
        } catch {
            throw ValidationError("cannot read the manifest: " + String(describing: error).split(separator: "\n").joined(separator: " "))
        }
    }
}

/// `--format`, shared by every command that prints a table.
struct OutputFormat: ParsableArguments {
    @Option(name: .long, help: "Output format on standard output: text, md, csv, json or tex.")
    var format: VolumetricCLI.Format = .text
}
