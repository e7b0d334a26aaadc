import Foundation

/// What went wrong when Cascade talked to SLURM.
public enum SchedulerError: Error, CustomStringConvertible, Equatable {
    /// The command is not on PATH (SLURM is not installed here, or not loaded: `module load slurm`).
    case notFound(command: String, path: String)
    /// The command ran and failed (non-zero exit); its standard error, trimmed.
    case failed(command: String, status: Int32, stderr: String)
    /// The command did not finish within the time allowed; it was terminated.
    case timedOut(command: String, seconds: Double)
    /// The command's answer could not be understood.
    case badAnswer(command: String, answer: String, expected: String)

    /// One line naming the command, what went wrong and what to try (e.g. load SLURM, check SLURM_CONF).
    public var description: String {
        switch self {
        case .notFound(let command, let path):
            let name = command.split(separator: " ").first.map(String.init) ?? command
            return
                "\(name) not found: SLURM's commands are not on this PATH (\(path)); run Cascade on the cluster's login node, or load SLURM (module load slurm)"
        case .failed(let command, let status, let stderr):
            return "`\(command)` failed (exit \(status)): \(stderr.isEmpty ? "no message" : stderr)"
        case .timedOut(let command, let seconds):
            return "`\(command)` did not answer within \(String(format: "%g", seconds)) s (is slurmctld up? check SLURM_CONF): terminated"
        case .badAnswer(let command, let answer, let expected):
            return "`\(command)` answered \"\(answer.prefix(200))\"; expected \(expected)"
        }
    }
}

/// One job as SLURM reports it (`squeue` or `scontrol show job`).
public struct SlurmJob: Sendable, Hashable {
    /// The job id (squeue `%i`, scontrol `JobId`), e.g. `4`.
    public var id: String
    /// The job's name (squeue `%j`, scontrol `JobName`); empty when not given.
    public var name: String
    /// PENDING, RUNNING, COMPLETED, FAILED, TIMEOUT, CANCELLED, OUT_OF_MEMORY, NODE_FAIL, …
    public var state: String
    /// Why pending (Dependency, Priority, Resources, DependencyNeverSatisfied) or why it ended.
    public var reason: String
    /// The dependency as SLURM shows it, e.g. `afterok:4(failed)`; empty when none.
    public var dependency: String
    /// The job's working folder (where sbatch ran).
    public var workDir: String
    /// Time used so far as SLURM prints it (squeue `%M`, scontrol `RunTime`), e.g. `1:27`.
    public var elapsed: String
    /// The time limit as SLURM prints it (squeue `%l`, scontrol `TimeLimit`), e.g. `10:00`.
    public var timeLimit: String

    /// A job as squeue or scontrol reported it; fields SLURM did not give stay empty.
    public init(
        id: String, name: String = "", state: String, reason: String = "", dependency: String = "", workDir: String = "", elapsed: String = "",
        timeLimit: String = ""
    ) {
        self.id = id
        self.name = name
        self.state = state
        self.reason = reason
        self.dependency = dependency
        self.workDir = workDir
        self.elapsed = elapsed
        self.timeLimit = timeLimit
    }

    /// Still in the queue: pending, running, or on the way in or out.
    public var isActive: Bool {
        ["PENDING", "RUNNING", "CONFIGURING", "COMPLETING", "SUSPENDED", "REQUEUED", "RESIZING", "SIGNALING", "STAGE_OUT"].contains(state)
    }

    /// Pending for ever: a job it depends on failed, timed out or was cancelled.
    public var isBlocked: Bool { state == "PENDING" && reason == "DependencyNeverSatisfied" }
}

/// The one place where Cascade calls SLURM: `sbatch`, `squeue`, `scontrol`, `scancel`, each with a
/// time limit, a clear error when the command is missing or fails, and parsing of the answers.
/// `sacct` is not used: many clusters (and the test cluster) keep no accounting database; finished jobs
/// are read from `squeue -t all` while SLURM remembers them (MinJobAge) and from the files on disk after.
public struct Slurm: Sendable {
    /// The environment given to the commands (SLURM_CONF among them); `nil` = this process's.
    public var environment: [String: String]?
    /// Seconds each command may take.
    public var timeout: Double

    /// Commands run with `environment` (`nil` = this process's) and at most `timeout` seconds each.
    public init(environment: [String: String]? = nil, timeout: Double = 30) {
        self.environment = environment
        self.timeout = timeout
    }

    // MARK: Commands

    /// `sbatch --parsable [--dependency=afterok:A:B] SCRIPT` run in `folder`; the new job's id.
    public func submit(script: String, folder: String, afterOK: [String]) throws -> String {
        let arguments = Slurm.sbatchArguments(script: script, afterOK: afterOK)
        let out = try run("sbatch", arguments, directory: folder)
        // --parsable prints "ID" or "ID;CLUSTER"
        let first = out.split(whereSeparator: \.isNewline).last.map(String.init) ?? ""
        let id = first.split(separator: ";").first.map(String.init) ?? ""
        guard !id.isEmpty, id.allSatisfy(\.isNumber) else {
            throw SchedulerError.badAnswer(command: "sbatch " + arguments.joined(separator: " "), answer: out, expected: "a job id (sbatch --parsable)")
        }
        return id
    }

    /// The arguments of `sbatch` for a script and the jobs it waits for.
    public static func sbatchArguments(script: String, afterOK: [String]) -> [String] {
        (afterOK.isEmpty ? [] : ["--dependency=afterok:" + afterOK.joined(separator: ":")]) + ["--parsable", script]
    }

    /// Every job of this user SLURM still lists (`squeue --me -t all`: pending, running, and finished ones
    /// for MinJobAge after they end).
    public func queue() throws -> [SlurmJob] {
        let format = "%i|%j|%T|%r|%E|%M|%l|%Z"
        let out = try run("squeue", ["--me", "-h", "-t", "all", "-o", format])
        return try Slurm.parseQueue(out, command: "squeue --me -h -t all -o \(format)")
    }

    static func parseQueue(_ text: String, command: String) throws -> [SlurmJob] {
        var jobs: [SlurmJob] = []
        for line in text.split(whereSeparator: \.isNewline) where !line.allSatisfy(\.isWhitespace) {
            let f = line.split(separator: "|", omittingEmptySubsequences: false).map { String($0).trimmingCharacters(in: .whitespaces) }
            guard f.count >= 8, !f[0].isEmpty else {
                throw SchedulerError.badAnswer(command: command, answer: String(line), expected: "8 fields separated by |")
            }
            jobs.append(
                SlurmJob(
                    id: f[0], name: f[1], state: f[2], reason: f[3], dependency: f[4] == "(null)" ? "" : f[4],
                    workDir: f[7], elapsed: f[5], timeLimit: f[6]))
        }
        return jobs
    }

    /// `scontrol show job ID`: for a job `squeue` did not list; `nil` when SLURM no longer knows it.
    public func show(job id: String) throws -> SlurmJob? {
        do {
            let out = try run("scontrol", ["show", "job", "-o", id])
            return Slurm.parseShowJob(out)
        } catch SchedulerError.failed(_, _, let stderr) where stderr.contains("Invalid job id") {
            return nil
        }
    }

    static func parseShowJob(_ text: String) -> SlurmJob? {
        var fields: [String: String] = [:]
        for word in text.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            guard let eq = word.firstIndex(of: "=") else { continue }
            let key = String(word[..<eq])
            if fields[key] == nil { fields[key] = String(word[word.index(after: eq)...]) }
        }
        guard let id = fields["JobId"], let state = fields["JobState"] else { return nil }
        return SlurmJob(
            id: id, name: fields["JobName"] ?? "", state: state, reason: fields["Reason"] ?? "",
            dependency: fields["Dependency"].map { $0 == "(null)" ? "" : $0 } ?? "", workDir: fields["WorkDir"] ?? "",
            elapsed: fields["RunTime"] ?? "", timeLimit: fields["TimeLimit"] ?? "")
    }

    /// `scancel ID…`.
    public func cancel(_ ids: [String]) throws {
        guard !ids.isEmpty else { return }
        _ = try run("scancel", ids)
    }

    // MARK: Running a command

    /// Runs `command arguments` (found on PATH) with the time limit; its standard output.
    func run(_ command: String, _ arguments: [String], directory: String? = nil) throws -> String {
        let env = environment ?? ProcessInfo.processInfo.environment
        let path = env["PATH"] ?? "/usr/bin:/bin"
        let line = ([command] + arguments).joined(separator: " ")
        guard let executable = Slurm.find(command, path: path) else {
            throw SchedulerError.notFound(command: line, path: "PATH=\(path)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = env
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        let done = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in done.signal() }
        do {
            try process.run()
        } catch {
            throw SchedulerError.failed(command: line, status: -1, stderr: "cannot start \(executable): \(error.localizedDescription)")
        }
        // Read both pipes concurrently so a chatty command cannot fill one and stall.
        let outData = Box()
        let errData = Box()
        let readers = DispatchGroup()
        DispatchQueue.global().async(group: readers) { outData.data = stdout.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: readers) { errData.data = stderr.fileHandleForReading.readDataToEndOfFile() }
        if done.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            if done.wait(timeout: .now() + 2) == .timedOut { kill(process.processIdentifier, SIGKILL) }
            _ = readers.wait(timeout: .now() + 2)
            throw SchedulerError.timedOut(command: line, seconds: timeout)
        }
        _ = readers.wait(timeout: .now() + 5)
        let out = String(decoding: outData.data, as: UTF8.self)
        let err = String(decoding: errData.data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0 else {
            throw SchedulerError.failed(command: line, status: process.terminationStatus, stderr: err)
        }
        return out
    }

    /// The first executable `name` on `path`.
    static func find(_ name: String, path: String) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        for dir in path.split(separator: ":") where !dir.isEmpty {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// Data handed from a reader thread (written once, read after the group's wait).
private final class Box: @unchecked Sendable {
    var data = Data()
}
