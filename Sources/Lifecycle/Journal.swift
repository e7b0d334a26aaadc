import Foundation
import GRDB

/// The study's journal: one SQLite file inside the run tree (`RUNS/.cascade/journal.sqlite`) holding every
/// submission (job id, time, calculation, inputs' hash), every remedy applied and the status cache
/// (what finished runs contain, ``StatusCache``). Written in immediate
/// transactions with a busy timeout, so two `cascade` processes (a `status` and a `resume`) never
/// corrupt it; rollback journal, not WAL, because run trees often live on network file systems where
/// WAL's shared memory does not work.
///
/// It is a memory, not the truth: the files on disk are. Deleting it loses the job ids (a later
/// `status` then finds queued jobs by their working folder in `squeue`) and the remedy history (the
/// `attempt-N/cascade-remedy.txt` files keep that too) and the status cache (the next `status` reads
/// every output again), never a run.
public final class Journal: @unchecked Sendable {
    /// The file.
    public let path: String
    private let queue: DatabaseQueue

    /// One `sbatch` Cascade made.
    public struct Submission: Sendable, Hashable {
        /// The calculation's name in the manifest (its folder under the run tree, e.g. `relax/tfsi`).
        public var calculation: String
        /// SLURM's job id, as `sbatch --parsable` printed it.
        public var jobID: String
        /// Seconds since 1970.
        public var time: Double
        /// SHA-256 over the inputs (INCAR, KPOINTS, POSCAR, job.sh) as submitted.
        public var inputsHash: String
        /// The job ids it waited for (afterok).
        public var afterOK: [String]
        /// 1 for the first run, N for the run after N − 1 remedies.
        public var attempt: Int
    }

    /// One remedy `cascade resume` applied.
    public struct RemedyRecord: Sendable, Hashable {
        /// The calculation's name in the manifest (its folder under the run tree, e.g. `relax/tfsi`).
        public var calculation: String
        /// The attempt folder the previous outputs went to (`attempt-N`).
        public var attempt: Int
        /// The ``FailureCause`` raw value (e.g. `zbrent`); `unknown` when an interrupted remedy completed later had not recorded it.
        public var cause: String
        /// The remedy's short name (``Remedy/name``, e.g. `ALGO = All`); `unknown` likewise.
        public var remedy: String
        /// When it was applied, seconds since 1970.
        public var time: Double
    }

    /// The journal of the run tree `runs` (created with its folder when missing).
    public static func path(runs: String) -> String { "\(runs)/.cascade/journal.sqlite" }

    /// Opens (or creates) the journal of `runs`.
    public init(runs: String) throws {
        let folder = "\(runs)/.cascade"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        path = Journal.path(runs: runs)
        var config = Configuration()
        config.busyMode = .timeout(30)
        config.label = "cascade-journal"
        queue = try DatabaseQueue(path: path, configuration: config)
        // The schema, created in an immediate transaction: several processes opening a new journal at
        // once wait for each other (a migrator's deferred read-then-write would fail with SQLITE_BUSY).
        try write { db in
            try db.execute(
                sql: """
                    CREATE TABLE IF NOT EXISTS submission (
                        id INTEGER PRIMARY KEY AUTOINCREMENT, calculation TEXT NOT NULL, job_id TEXT NOT NULL,
                        submitted_at DOUBLE NOT NULL, inputs_hash TEXT NOT NULL, after_ok TEXT NOT NULL, attempt INTEGER NOT NULL);
                    CREATE INDEX IF NOT EXISTS submission_calculation ON submission(calculation);
                    CREATE TABLE IF NOT EXISTS remedy (
                        id INTEGER PRIMARY KEY AUTOINCREMENT, calculation TEXT NOT NULL, attempt INTEGER NOT NULL,
                        cause TEXT NOT NULL, remedy TEXT NOT NULL, applied_at DOUBLE NOT NULL);
                    CREATE INDEX IF NOT EXISTS remedy_calculation ON remedy(calculation);
                    CREATE TABLE IF NOT EXISTS status_cache (
                        calculation TEXT PRIMARY KEY, files_key TEXT NOT NULL, report TEXT NOT NULL, stored_at DOUBLE NOT NULL);
                    PRAGMA user_version = 2;
                    """)
        }
    }

    /// Records a submission (one transaction).
    public func record(_ s: Submission) throws {
        try write { db in
            try db.execute(
                sql: "INSERT INTO submission (calculation, job_id, submitted_at, inputs_hash, after_ok, attempt) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [s.calculation, s.jobID, s.time, s.inputsHash, s.afterOK.joined(separator: ":"), s.attempt])
        }
    }

    /// Records a remedy (one transaction).
    public func record(_ r: RemedyRecord) throws {
        try write { db in
            try db.execute(
                sql: "INSERT INTO remedy (calculation, attempt, cause, remedy, applied_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [r.calculation, r.attempt, r.cause, r.remedy, r.time])
        }
    }

    /// The latest submission of every calculation.
    public func latestSubmissions() throws -> [String: Submission] {
        try queue.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM submission ORDER BY id")
            var out: [String: Submission] = [:]
            for row in rows {
                let s = Journal.submission(row)
                out[s.calculation] = s
            }
            return out
        }
    }

    /// Every submission, oldest first.
    public func submissions() throws -> [Submission] {
        try queue.read { db in try Row.fetchAll(db, sql: "SELECT * FROM submission ORDER BY id").map(Journal.submission) }
    }

    /// Every remedy, oldest first.
    public func remedies() throws -> [RemedyRecord] {
        try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM remedy ORDER BY id").map { row in
                RemedyRecord(calculation: row["calculation"], attempt: row["attempt"], cause: row["cause"], remedy: row["remedy"], time: row["applied_at"])
            }
        }
    }

    /// One calculation's entry of the status cache (``StatusCache``).
    public struct CachedReport: Sendable, Hashable {
        /// The calculation's name in the manifest (its folder under the run tree, e.g. `relax/tfsi`).
        public var calculation: String
        /// The output files' sizes, modification times and edge hashes when the report was made.
        public var filesKey: String
        /// The folder report, JSON.
        public var report: String
    }

    /// The status cache, by calculation.
    public func cachedReports() throws -> [String: CachedReport] {
        try queue.read { db in
            var out: [String: CachedReport] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT calculation, files_key, report FROM status_cache") {
                let c = CachedReport(calculation: row["calculation"], filesKey: row["files_key"], report: row["report"])
                out[c.calculation] = c
            }
            return out
        }
    }

    /// Stores (replaces) status cache entries, all in one transaction.
    public func store(_ reports: [CachedReport], time: Double) throws {
        guard !reports.isEmpty else { return }
        try write { db in
            for r in reports {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO status_cache (calculation, files_key, report, stored_at) VALUES (?, ?, ?, ?)",
                    arguments: [r.calculation, r.filesKey, r.report, time])
            }
        }
    }

    private static func submission(_ row: Row) -> Submission {
        let after: String = row["after_ok"]
        return Submission(
            calculation: row["calculation"], jobID: row["job_id"], time: row["submitted_at"], inputsHash: row["inputs_hash"],
            afterOK: after.split(separator: ":").map(String.init), attempt: row["attempt"])
    }

    /// An immediate transaction: the write lock is taken at BEGIN, so a concurrent writer waits
    /// (busy timeout) instead of failing half-way.
    private func write(_ body: (Database) throws -> Void) throws {
        try queue.writeWithoutTransaction { db in
            try db.inTransaction(.immediate) {
                try body(db)
                return .commit
            }
        }
    }
}
