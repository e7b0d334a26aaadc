// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Cascade",
    products: [
        .executable(name: "cascade", targets: ["cascade"]),
        .library(name: "Chemistry", targets: ["Chemistry"]),
        .library(name: "Files", targets: ["Files"]),
        .library(name: "VASP", targets: ["VASP"]),
        .library(name: "Analysis", targets: ["Analysis"]),
        .library(name: "Report", targets: ["Report"]),
        .library(name: "Study", targets: ["Study"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // SHA-256 of every source file (provenance): BoringSSL's assembly, ~8x the portable Swift one.
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3")
    ],
    targets: [
        // System libraries (Debian: libxml2-dev, zlib1g-dev, libisal-dev).
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // Intel ISA-L: gzip inflate several times faster than zlib's (Debian ships libisal.pc).
        .systemLibrary(name: "CIsal", pkgConfig: "libisal", providers: [.apt(["libisal-dev"])]),

        // Value types of atomistic data; no I/O.
        .target(name: "Chemistry"),
        // General file I/O, no format knowledge: ByteSource (plain/gzip streaming, ISA-L inflate), the
        // atomic writer, file-system queries and folder listing, lexical path arithmetic.
        .target(name: "Files", dependencies: ["CZlib", "CIsal"]),
        // File formats: one file per format, reader and writer together.
        .target(name: "VASP", dependencies: ["Chemistry", "Files", "CLibXML2"]),
        // Pure functions on Chemistry types; never a file format.
        .target(name: "Analysis", dependencies: ["Chemistry"]),
        // The study manifest, input sets, generation plan, job scripts, run-tree status, tabulation.
        .target(
            name: "Study",
            dependencies: [
                "Chemistry", "Files", "VASP", "Analysis", .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto")
            ]),
        // The run lifecycle on SLURM: the scheduler adapter, failure causes and remedies, the journal
        // (SQLite through GRDB), submit/status/resume. Imports Study; only the cascade executable imports it.
        .target(
            name: "Lifecycle",
            dependencies: ["Chemistry", "Files", "VASP", "Study", .product(name: "GRDB", package: "GRDB.swift")]),
        // Tables, JSON, plots and every text the commands print; formatting lives here only. Imports
        // Study for the records it formats (tabulation, generation plan, doctor, parse summary); reads no
        // file (ReportPurityTests) and never imports VASP or Lifecycle.
        .target(name: "Report", dependencies: ["Chemistry", "Analysis", "Study"]),
        // The command-line tool: argument parsing and printing only.
        .executableTarget(
            name: "cascade",
            dependencies: [
                "Chemistry", "Files", "VASP", "Analysis", "Study", "Report", "Lifecycle",
                .product(name: "ArgumentParser", package: "swift-argument-parser")
            ]),
        // Release-mode timing executable; never run by `swift test`.
        .executableTarget(name: "VasprunBenchmark", dependencies: ["VASP"], path: "Benchmarks/VasprunBenchmark"),
        .executableTarget(name: "ChgcarBenchmark", dependencies: ["VASP"], path: "Benchmarks/ChgcarBenchmark"),

        // What every test target shares: the corpus locator, run trees built from it, the tutorial's markup.
        .target(name: "TestSupport", path: "Tests/TestSupport"),

        .testTarget(name: "ChemistryTests", dependencies: ["Chemistry"]),
        .testTarget(name: "FilesTests", dependencies: ["TestSupport", "Files"]),
        .testTarget(name: "VASPTests", dependencies: ["TestSupport", "VASP", "Files", "Chemistry"], resources: [.copy("Fixtures")]),
        .testTarget(name: "AnalysisTests", dependencies: ["TestSupport", "Analysis", "VASP", "Chemistry"]),
        // Report: the plan table and the doctor text checked on the studies these tests build.
        .testTarget(name: "StudyTests", dependencies: ["TestSupport", "Study", "Files", "VASP", "Analysis", "Chemistry", "Report"]),
        .testTarget(name: "ReportTests", dependencies: ["Report", "Study"]),
        .testTarget(name: "CLITests", dependencies: ["TestSupport", "cascade"]),
        .testTarget(name: "LifecycleTests", dependencies: ["TestSupport", "Lifecycle", "Study", "Files", "VASP"]),
        // End-to-end tests against a real local SLURM (tools/slurm/local-cluster.sh; .ci/run starts it).
        .testTarget(
            name: "IntegrationTests", dependencies: ["TestSupport", "Lifecycle", "Study", "Files", "VASP", "cascade"],
            exclude: ["fake-vasp"])
    ]
)
