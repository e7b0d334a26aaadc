import Foundation
import TestSupport
import Testing

/// Output hygiene across commands (issue 8, §6–7): data alone on stdout when piped, messages on
/// stderr, no escape codes off a terminal, folders resolved to their files with both paths named on
/// error, unknown options answered with the nearest one, and `schema_version` in every JSON output.
@Suite struct OutputHygieneTests {
    static func emptyFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cascade-hygiene-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    // MARK: Folder inputs

    /// Every command that reads a run, given an empty folder: exit 1, nothing on stdout, and the
    /// error names the folder as given and the file it was resolved to.
    @Test(arguments: [
        (["parse"], "vasprun.xml"),
        (["dos"], "vasprun.xml"),
        (["rdf", "--pair", "Li:O"], "vasprun.xml"),
        (["profile", "--group", "Li"], "vasprun.xml"),
        (["planar"], "CHGCAR"),
        (["bader"], "ACF.dat")
    ])
    func anEmptyRunFolderNamesBothPaths(command: [String], file: String) throws {
        let folder = try Self.emptyFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CascadeProcess.run([command[0], folder.path] + command.dropFirst())
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("error: \(folder.path)/\(file): cannot read"), "\(result.stderr)")
        #expect(result.stderr.contains("(given as \(folder.path), resolved to \(folder.path)/\(file))"), "\(result.stderr)")
    }

    @Test func severalRunsNameTheOneThatFailed() throws {
        let folder = try Self.emptyFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let adsorption = try CascadeProcess.run(["adsorption", "--complex", folder.path + "/", "--host", folder.path, "--adsorbate", "0"])
        #expect(adsorption.status == 1)
        #expect(adsorption.stderr.contains("(given as \(folder.path)/, resolved to \(folder.path)/vasprun.xml)"), "\(adsorption.stderr)")
        let out = folder.appendingPathComponent("d.vasp").path
        let chgdiff = try CascadeProcess.run(["chgdiff", folder.path, CascadeProcess.example, "--out", out])
        #expect(chgdiff.status == 1)
        #expect(chgdiff.stderr.contains("(given as \(folder.path), resolved to \(folder.path)/CHGCAR)"), "\(chgdiff.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func foldersThatNameThemselvesSayWhatWasLookedFor() throws {
        let folder = try Self.emptyFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let neb = try CascadeProcess.run(["neb", folder.path])
        #expect(neb.status == 1)
        #expect(neb.stderr.hasPrefix("error: \(folder.path): cannot read: expected image folders 00, 01"))
        let bonds = try CascadeProcess.run(["bonds", folder.path, folder.path])
        #expect(bonds.status == 1)
        #expect(bonds.stderr.hasPrefix("error: \(folder.path): cannot read: no vasprun.xml, OUTCAR, CONTCAR or POSCAR"))
    }

    @Test func aMissingPathIsNamedAsGiven() throws {
        for command in [["dos"], ["parse"], ["planar"], ["rdf", "--pair", "Li:O"]] {
            let result = try CascadeProcess.run([command[0], "no/such/run"] + command.dropFirst())
            #expect(result.status == 1)
            #expect(result.stderr.hasPrefix("error: no/such/run: cannot read"), "\(command[0]): \(result.stderr)")
        }
    }

    @Test func aFolderWithOnlyTheGzippedFileIsRead() throws {
        let folder = try Self.emptyFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/sh")
        gzip.arguments = ["-c", "gzip -c '\(CascadeProcess.example)' > '\(folder.path)/vasprun.xml.gz'"]
        try gzip.run()
        gzip.waitUntilExit()
        try #require(gzip.terminationStatus == 0)
        let parse = try CascadeProcess.run(["parse", folder.path])
        #expect(parse.status == 0, "\(parse.stderr)")
        #expect(parse.stdout.contains("\(folder.path)/vasprun.xml.gz"))
        let dos = try CascadeProcess.run(["dos", folder.path, "--format", "json"])
        #expect(dos.status == 0, "\(dos.stderr)")
        #expect(try Corpus.object(dos.stdout)["file"] as? String == "\(folder.path)/vasprun.xml.gz")
    }

    // MARK: stdout / stderr

    /// Runs that print messages: stdout holds the data alone (one JSON document, or the plan table),
    /// messages are on stderr, and nothing holds an escape code when piped — with or without NO_COLOR.
    @Test(arguments: [[:], ["NO_COLOR": "1"]])
    func dataAloneOnStdoutWhenPiped(environment: [String: String]) throws {
        let dos = try CascadeProcess.run(["dos", CascadeProcess.example, "--format", "json"], environment: environment)
        #expect(dos.status == 0, "\(dos.stderr)")
        #expect(try Corpus.object(dos.stdout)["schema_version"] as? Int == 1)
        let noLibrary = environment.merging(["VASP_PP_PATH": "", "PMG_VASP_PSP_DIR": ""]) { $1 }
        let plan = try CascadeProcess.run(["generate", "--dry-run"], environment: noLibrary)
        #expect(plan.status == 0)
        let lines = plan.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("folder") == true)
        #expect(lines.allSatisfy { !$0.hasPrefix("note:") && !$0.hasPrefix("warning:") && !$0.hasPrefix("dry run") })
        #expect(plan.stderr.contains("dry run: nothing written"))
        let doctor = try CascadeProcess.run(["doctor"], environment: noLibrary)
        #expect(doctor.stderr.isEmpty && doctor.stdout.contains("POTCAR library"))
        for result in [dos, plan, doctor] {
            #expect(!result.stdout.contains("\u{1B}") && !result.stderr.contains("\u{1B}"))
        }
    }

    // MARK: Unknown options

    @Test(arguments: [
        (["doctor", "--potcar", "x"], "--potcars"),
        (["init", "x", "--form", "tfsi-mof-copc"], "--from"),
        (["dos", "run/", "--elemnt", "Co"], "--element"),
        (["generate", "--dryrun"], "--dry-run")
    ])
    func anUnknownOptionSuggestsTheNearest(arguments: [String], suggestion: String) throws {
        let result = try CascadeProcess.run(arguments)
        #expect(result.status != 0)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("Did you mean '\(suggestion)'?"), "\(result.stderr)")
    }

    // MARK: Help and completion

    static let commands = [
        "generate", "parse", "tabulate", "dos", "bader", "neb", "bonds", "adsorption",
        "chgdiff", "chgsum", "planar", "rdf", "profile", "doctor", "init"
    ]

    @Test func everySubcommandHasAWorkedExample() throws {
        for command in Self.commands {
            let result = try CascadeProcess.run([command, "--help"])
            #expect(result.status == 0)
            #expect(result.stdout.lowercased().contains("worked example"), "\(command)")
            #expect(result.stdout.contains("  cascade \(command) "), "\(command)")
        }
    }

    @Test func topLevelHelpGroupsTheCommandsByJob() throws {
        let help = try CascadeProcess.run(["--help"]).stdout
        let headings = ["SUBCOMMANDS:", "SINGLE-PURPOSE ANALYSES SUBCOMMANDS:", "CHARGE DENSITIES AND TRAJECTORIES SUBCOMMANDS:", "SETUP SUBCOMMANDS:"]
        let positions = try headings.map { try #require(help.range(of: $0)?.lowerBound, "\($0)") }
        #expect(positions == positions.sorted())
        func section(_ i: Int) -> Substring { help[positions[i]..<(i + 1 < positions.count ? positions[i + 1] : help.endIndex)] }
        let groups: [[String]] = [
            ["generate", "parse", "tabulate"], ["dos", "bader", "neb", "bonds", "adsorption"],
            ["chgdiff", "chgsum", "planar", "rdf", "profile"], ["doctor", "init"]
        ]
        for (i, names) in groups.enumerated() {
            for name in names { #expect(section(i).contains("\n  \(name) "), "\(name) under \(headings[i])") }
        }
        #expect(Set(groups.flatMap { $0 }) == Set(Self.commands))
    }

    @Test(arguments: ["bash", "zsh", "fish"])
    func completionScripts(shell: String) throws {
        let result = try CascadeProcess.run(["--generate-completion-script", shell])
        #expect(result.status == 0)
        for name in ["doctor", "init", "generate", "tabulate"] { #expect(result.stdout.contains(name), "\(shell): \(name)") }
    }

    // MARK: JSON

    /// `--format json` of the table commands carries `schema_version` before the table's keys.
    @Test func tableJSONCarriesTheSchemaVersion() throws {
        let corpus = Corpus.path("xdatcar/pymatgen/XDATCAR.MD")
        guard FileManager.default.fileExists(atPath: corpus) else {
            #expect(!Corpus.isCI, "the corpus is required on CI")
            return
        }
        let runs = [
            ["rdf", corpus, "--pair", "Fe:O", "--rmax", "4.5", "--bins", "90", "--format", "json"],
            ["profile", corpus, "--group", "Fe", "--bins", "10", "--format", "json"],
            ["planar", Corpus.path("volumetric/pymatgen/LOCPOT.vasp642.gz"), "--format", "json"]
        ]
        for arguments in runs {
            let result = try CascadeProcess.run(arguments)
            #expect(result.status == 0, "\(arguments[0]): \(result.stderr)")
            let object = try Corpus.object(result.stdout)
            #expect(object["schema_version"] as? Int == 1, "\(arguments[0])")
            for key in ["title", "columns", "rows", "notes"] { #expect(object[key] != nil, "\(arguments[0]): \(key)") }
            #expect(result.stdout.hasPrefix("{\"schema_version\":1,"))
        }
    }
}
