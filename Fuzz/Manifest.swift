// libFuzzer target: the study manifest (YAML, decoded with Yams) through `StudyManifest.load(path:)`,
// the entry point of `cascade generate`.
import Study
import VASP

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzManifest(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let path = FuzzInput.file(data, size, name: "study.yaml")
    do {
        let manifest = try StudyManifest.load(path: path)
        _ = manifest.systems.count
        _ = manifest.calculations.count
        for calculation in manifest.calculations { _ = manifest.calculation(named: calculation.name) }
    } catch let error as StudyError {
        // The manifest's contract: a StudyError whose message names the file.
        guard error.description.hasPrefix(path) else {
            fatalError("fuzz contract: the message does not start with the file name: \(error)")
        }
    } catch {
        fatalError("fuzz contract: the manifest reader threw \(type(of: error)), not StudyError: \(error)")
    }
    return 0
}
