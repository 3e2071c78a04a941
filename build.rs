// The default standards pack is embedded with include_dir; rebuild when it changes.
fn main() {
    println!("cargo:rerun-if-changed=standards");
    println!("cargo:rerun-if-changed=templates");
}
