//! Ports for tests that must not race other tests for them.

use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

/// A 127.0.0.1 port that is bound but never listened on, for as long as the value lives: a
/// connection to it is refused at once, and no other test (or process) can take it meanwhile.
/// (A port taken with `TcpListener::bind` and dropped is free for anyone to bind next.)
pub struct ClosedPort {
    _socket: OwnedFd,
    pub port: u16,
}

impl ClosedPort {
    pub fn new() -> ClosedPort {
        ClosedPort::bind(0, false).expect("a free port")
    }

    /// Holds `port` closed. It must be free; connections of a server that just ended may still
    /// be in TIME_WAIT on it, which only SO_REUSEADDR gets past (that also lets another
    /// SO_REUSEADDR socket bind it, so it is the second choice).
    pub fn at(port: u16) -> std::io::Result<ClosedPort> {
        ClosedPort::bind(port, false).or_else(|_| ClosedPort::bind(port, true))
    }

    fn bind(port: u16, reuse: bool) -> std::io::Result<ClosedPort> {
        // SAFETY: plain socket calls on a descriptor this function owns; errors are checked.
        unsafe {
            let fd = libc::socket(libc::AF_INET, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0);
            if fd < 0 {
                return Err(std::io::Error::last_os_error());
            }
            let socket = OwnedFd::from_raw_fd(fd);
            let one: libc::c_int = 1;
            if reuse {
                libc::setsockopt(
                    socket.as_raw_fd(),
                    libc::SOL_SOCKET,
                    libc::SO_REUSEADDR,
                    &one as *const libc::c_int as *const libc::c_void,
                    std::mem::size_of::<libc::c_int>() as libc::socklen_t,
                );
            }
            let mut addr: libc::sockaddr_in = std::mem::zeroed();
            addr.sin_family = libc::AF_INET as libc::sa_family_t;
            addr.sin_addr.s_addr = u32::from_ne_bytes([127, 0, 0, 1]);
            addr.sin_port = port.to_be();
            let len = std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
            let rc = libc::bind(
                socket.as_raw_fd(),
                &addr as *const libc::sockaddr_in as *const libc::sockaddr,
                len,
            );
            if rc != 0 {
                return Err(std::io::Error::last_os_error());
            }
            let mut bound: libc::sockaddr_in = std::mem::zeroed();
            let mut bound_len = len;
            let rc = libc::getsockname(
                socket.as_raw_fd(),
                &mut bound as *mut libc::sockaddr_in as *mut libc::sockaddr,
                &mut bound_len,
            );
            if rc != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(ClosedPort {
                _socket: socket,
                port: u16::from_be(bound.sin_port),
            })
        }
    }

    /// `127.0.0.1:PORT`
    pub fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
}

impl Default for ClosedPort {
    fn default() -> Self {
        ClosedPort::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closed_port_refuses_and_cannot_be_taken() {
        let closed = ClosedPort::new();
        let err = std::net::TcpStream::connect(closed.addr()).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::ConnectionRefused);
        assert!(std::net::TcpListener::bind(closed.addr()).is_err());
    }
}
