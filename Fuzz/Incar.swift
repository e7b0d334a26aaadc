// libFuzzer target: INCAR through `Incar.read(path:)`, then the writer on what was read.
import VASP

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIncar(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let path = FuzzInput.file(data, size, name: "INCAR")
    do {
        let incar = try Incar.read(path: path)
        _ = FuzzInput.render(incar.warnings)
        for tag in incar.tags {
            _ = incar.int(tag)
            _ = incar.double(tag)
            _ = incar.bool(tag)
            _ = incar.doubles(tag)
        }
        _ = incar.text()
    } catch {
        FuzzInput.check(error, path: path)
    }
    return 0
}
