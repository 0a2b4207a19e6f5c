use anyhow::Context;

fn main() -> anyhow::Result<()> {
    // WebKitGTK's DMA-BUF renderer leaves the window blank under Xvfb and on
    // some kiosk GPUs, and costs ~70 MB of RSS; turn it off unless told otherwise.
    if std::env::var_os("WEBKIT_DISABLE_DMABUF_RENDERER").is_none() {
        #[allow(unsafe_code)]
        // SAFETY: first statement of main, before any thread exists, so nothing
        // reads the environment concurrently.
        unsafe {
            std::env::set_var("WEBKIT_DISABLE_DMABUF_RENDERER", "1");
        }
    }
    let options = motcua_kiosk::Options::parse(std::env::args().skip(1))
        .context("reading the command line")?;
    motcua_kiosk::run(options)
}
