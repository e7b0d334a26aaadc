import ArgumentParser

/// `cascade`: generate, parse and tabulate VASP reaction-pathway studies.
@main
struct Cascade: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cascade",
        abstract: "Generate, parse and tabulate VASP reaction-pathway studies.",
        discussion: """
            Jobs:
              generate   write every VASP input of a study from its manifest
              parse      read vasprun.xml(.gz) files of finished or killed runs

            Charge densities and trajectories:
              chgdiff    differential charge density Δρ = ρ(AB) − ρ(A) − ρ(B) as a CHGCAR
              chgsum     AECCAR0 + AECCAR2, the reference density for Bader analysis
              planar     plane-averaged density, potential or ELF along an axis
              rdf        radial distribution function g(r) and coordination number n(r)
              profile    density of a group of atoms along the surface normal

            Analysis of finished runs:
              dos        DOS gap and d-band centre, width and filling
              bader      Bader charges per atom and fragment (ACF.dat)
              neb        NEB barriers: force-based fit beside the energy-only spline
              bonds      bond lengths between states or along NEB images
              adsorption adsorption energy E(AB) − m·E(A) − k·E(B) with a consistency guard

            Examples:
              cascade generate --dry-run
              cascade parse run/vasprun.xml
              cascade parse --json relax/vasprun.xml.gz static/vasprun.xml > runs.jsonl
              cascade chgdiff AB/ A/ B/ --out CHGCAR_diff --planar z --plot dq.svg
              cascade rdf XDATCAR --pair Li:O --rmax 8 --bins 400
              cascade neb neb/ns-cleavage --plot barrier.svg
              cascade adsorption --complex ads/ --host slab/ --adsorbate -3.38
            """,
        subcommands: [Generate.self, Parse.self, Chgdiff.self, Chgsum.self, Planar.self, Rdf.self, Profile.self, Dos.self, Bader.self, Neb.self, Bonds.self, Adsorption.self, Doctor.self])
}
