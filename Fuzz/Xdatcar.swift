// libFuzzer target: XDATCAR through `Xdatcar.read(path:)` (all frames, and a strided slice), and the
// same bytes as a multi-frame POSCAR (`Xdatcar.readPoscarFrames(path:)`).
import Chemistry
import VASP

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzXdatcar(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let path = FuzzInput.file(data, size, name: "XDATCAR")
    do {
        let xdatcar = try Xdatcar.read(path: path)
        _ = FuzzInput.render(xdatcar.warnings)
        _ = xdatcar.text()
    } catch {
        FuzzInput.check(error, path: path)
    }
    do {
        let slice = try Xdatcar.read(path: path, frames: FrameSelection(start: -3, end: nil, stride: 2))
        _ = slice.trajectory.frameCount
    } catch {
        FuzzInput.check(error, path: path)
    }
    do {
        let frames = try Xdatcar.readPoscarFrames(path: path)
        _ = frames.trajectory.frameCount
    } catch {
        FuzzInput.check(error, path: path)
    }
    return 0
}
