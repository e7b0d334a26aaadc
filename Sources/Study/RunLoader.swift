import Files
import VASP

/// Turns what a user names (a run folder, a vasprun.xml or .gz) into the file to read. The one place
/// where a folder gets its meaning, used by every command (DESIGN.md, "Study's run loader").
public enum RunLoader {
    /// The vasprun file of `input`: the input itself when it is a file, else the folder's
    /// `vasprun.xml`, else its `vasprun.xml.gz`. A folder with neither gives `<folder>/vasprun.xml`
    /// so that the error names the expected file.
    public static func vasprunPath(for input: String) -> String {
        guard FileSystem.isDirectory(input) else { return input }
        let base = PathText.trimmingTrailingSlash(input)
        for name in ["vasprun.xml", "vasprun.xml.gz"] where FileSystem.exists("\(base)/\(name)") {
            return "\(base)/\(name)"
        }
        return "\(base)/vasprun.xml"
    }

    /// Reads the run `input` names (folder or file).
    public static func vasprun(_ input: String, options: VasprunOptions = VasprunOptions(), progress: ((Int, Int) -> Void)? = nil) throws -> Vasprun {
        try Vasprun.read(path: vasprunPath(for: input), options: options, progress: progress)
    }
}
