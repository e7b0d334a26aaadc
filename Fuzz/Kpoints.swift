// libFuzzer target: KPOINTS through `Kpoints.read(path:)`, then the writer on what was read.
import VASP

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzKpoints(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let path = FuzzInput.file(data, size, name: "KPOINTS")
    do {
        let kpoints = try Kpoints.read(path: path)
        _ = FuzzInput.render(kpoints.warnings)
        _ = kpoints.text()
    } catch {
        FuzzInput.check(error, path: path)
    }
    return 0
}
