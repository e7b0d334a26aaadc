import Foundation

/// Small studies written into temporary folders for the Study tests (never into the repository).
enum StudyFixture {
    /// The package root, from this file's path (Tests/StudyTests/StudySupport.swift).
    static var packageRoot: String {
        var parts = String(#filePath).split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }

    /// Cascade's input sets.
    static var templates: String { packageRoot + "/templates" }

    /// A new empty temporary folder.
    static func temporaryFolder(_ label: String = "study") throws -> String {
        let path = NSTemporaryDirectory() + "cascade-\(label)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Writes `text` to `folder/name`, creating subfolders.
    static func write(_ text: String, to name: String, in folder: String) throws {
        let path = folder + "/" + name
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    static func read(_ path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8)
    }

    static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    static func remove(_ path: String) { try? FileManager.default.removeItem(atPath: path) }

    /// TFSI⁻ (C2F6NO4S2), a rough C2-symmetric geometry (S–N 1.58, S=O 1.44, S–C 1.83, C–F 1.33 Å)
    /// centred in a 20 Å box.
    static let tfsi = """
        TFSI
        1.0
        20 0 0
        0 20 0
        0 0 20
        C N O F S
        2 1 4 6 2
        Cartesian
        12.341600 9.730700 11.493900
        7.658400 9.730700 8.506100
        10.000000 9.484100 10.000000
        11.201100 11.639600 10.000000
        12.141200 9.833600 8.824500
        8.798900 11.639600 10.000000
        7.858800 9.833600 11.175500
        11.996700 8.498300 11.856400
        13.644500 9.766000 11.229300
        12.067700 10.576100 12.483400
        6.857400 10.728600 8.143600
        8.505200 9.460900 7.516600
        6.928400 8.650900 8.770700
        11.401500 10.213600 10.000000
        8.598500 10.213600 10.000000

        """

    /// Li⁺ alone in a 20 Å box.
    static let li = """
        Li
        1.0
        20 0 0
        0 20 0
        0 0 20
        Li
        1
        Cartesian
        10 10 10

        """

    /// LiTFSI: TFSI⁻ with Li between its two upper O atoms (Li–O ≈ 1.9 Å).
    static var litfsi: String {
        var lines = tfsi.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[0] = "LiTFSI"
        lines[5] = "Li C N O F S"
        lines[6] = "1 2 1 4 6 2"
        lines.insert("10.000000 12.850000 10.000000", at: 8)
        return lines.joined(separator: "\n")
    }

    /// A small "catalyst": a square of four atoms with one Fe (Fe(III)-like, for MAGMOM tests).
    static let feCluster = """
        Fe cluster
        1.0
        18 0 0
        0 18 0
        0 0 18
        Fe O H
        1 2 2
        Cartesian
        9.0 9.0 9.0
        10.9 9.0 9.0
        7.1 9.0 9.0
        11.5 9.8 9.0
        6.5 9.8 9.0

        """

    /// A study of TFSI⁻, Li⁺ and LiTFSI with relax/static/bader, one NEB (TFSI⁻ → TFSI⁻ with one
    /// CF3 turned), an adsorption energy, a bond set and fragments; written into a new temporary folder.
    /// Returns the manifest path.
    static func smallStudy(extraManifest: String = "", job: String = "") throws -> (folder: String, manifest: String) {
        let folder = try temporaryFolder()
        try write(tfsi, to: "structures/molecules/tfsi.vasp", in: folder)
        try write(li, to: "structures/molecules/li.vasp", in: folder)
        try write(litfsi, to: "structures/molecules/litfsi.vasp", in: folder)
        try write(turnedTFSI(), to: "structures/pathway/tfsi-turned.vasp", in: folder)
        try write(
            """
            # index as the structures engineer writes it
            - {name: tfsi, file: molecules/tfsi.vasp, charge: -1, multiplicity: 1, fixed: [], description: TFSI anion}
            - {name: li, file: molecules/li.vasp, charge: 1, multiplicity: 1}
            - {name: litfsi, file: molecules/litfsi.vasp, charge: 0, multiplicity: 1}
            - {name: turned, file: pathway/tfsi-turned.vasp, charge: -1, multiplicity: 1}
            """, to: "structures/structures.yaml", in: folder)
        let manifest = """
            study: small
            structures: structures
            index: structures.yaml
            input_sets: \(templates)
            job:
              template: \(templates)/slurm.sh
              ntasks_per_node: 40
              partition: short
            \(job)
            systems:
              - {name: tfsi, file: molecules/tfsi.vasp}
              - {name: li, file: molecules/li.vasp}
              - name: litfsi
                file: molecules/litfsi.vasp
              - {name: turned, file: pathway/tfsi-turned.vasp}
            calculations:
              - name: relax/{system}
                set: relax
                systems: [tfsi, li, litfsi, turned]
              - name: static/{system}
                set: static
                systems: [tfsi]
                from: relax/{system}
              - {name: bader/litfsi, set: bader, system: litfsi, from: relax/litfsi}
              - {name: neb/turn, set: neb, initial: relax/tfsi, final: relax/turned, images: 4, interpolation: linear}
            quantities:
              energies:
                - {name: "E_ads(Li+–TFSI-)", source: eq. 4, complex: relax/litfsi, parts: [relax/li, relax/tfsi]}
              pathways:
                - {name: turn, steps: [neb/turn]}
              bonds:
                - {name: C–F, calculations: [relax/tfsi, relax/litfsi], elements: [C, F]}
              fragments:
                - name: LiTFSI
                  calculations: [bader/litfsi]
                  groups:
                    - {name: Li, atoms: [0]}
                    - {name: TFSI, rest: true}
            \(extraManifest)
            """
        try write(manifest, to: "study.yaml", in: folder)
        return (folder, folder + "/study.yaml")
    }

    /// TFSI⁻ with the first CF3 turned by 60° about its S–C axis.
    static func turnedTFSI() -> String {
        var lines = tfsi.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let position: (Int) -> SIMD3<Double> = { i in
            let v = lines[8 + i].split(separator: " ").compactMap { Double($0) }
            return SIMD3(v[0], v[1], v[2])
        }
        let c = position(0)
        let s = position(13)
        let axis = (c - s) / ((c - s) * (c - s)).sum().squareRoot()
        let t = Double.pi / 3
        for i in 7...9 {
            let d = position(i) - c
            let cross = SIMD3(axis.y * d.z - axis.z * d.y, axis.z * d.x - axis.x * d.z, axis.x * d.y - axis.y * d.x)
            let along = (axis * d).sum()
            let r = c + d * cos(t) + cross * sin(t) + axis * along * (1 - cos(t))
            lines[8 + i] = String(format: "%.6f %.6f %.6f", r.x, r.y, r.z)
        }
        lines[0] = "TFSI turned CF3"
        return lines.joined(separator: "\n")
    }
}
