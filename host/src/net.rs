//! Outgoing HTTP for programs with the `network` effect: wasmtime's wasi:http, behind an
//! allow-list of the hosts the program declares with `network(host=..)`. A request to any
//! other host fails inside the program with `HTTP-request-denied`, not with a crash.

use http_body_util::BodyExt;
use std::future::Future;
use wasmtime_wasi_http::{Error, RequestOptions, Result, WasiBody, WasiHttpHooks};

/// Which hosts requests may go to.
#[derive(Clone, Debug, Default)]
pub struct AllowList {
    /// Lower-case host names, or `*.domain` for a domain's subdomains; `None` lets every host
    /// through (a program that declares `network` without a host, or a component without source).
    pub hosts: Option<Vec<String>>,
}

impl AllowList {
    /// The allow-list for a program's declared hosts (`Compilation::network_hosts`).
    pub fn for_program(declared: Option<&[String]>) -> AllowList {
        match declared {
            Some(hosts) if !hosts.iter().any(String::is_empty) => AllowList { hosts: Some(hosts.to_vec()) },
            _ => AllowList { hosts: None },
        }
    }

    pub fn allows(&self, host: &str) -> bool {
        let host = host.trim_start_matches('[').trim_end_matches(']').to_ascii_lowercase();
        let Some(hosts) = &self.hosts else { return true };
        hosts.iter().any(|h| {
            let h = h.trim_start_matches('[').trim_end_matches(']');
            match h.strip_prefix("*.") {
                Some(domain) => host.ends_with(&format!(".{domain}")),
                None => host == h,
            }
        })
    }
}

impl WasiHttpHooks for AllowList {
    fn send_request(
        &mut self,
        request: http::Request<WasiBody>,
        options: Option<RequestOptions>,
        fut: Box<dyn Future<Output = Result<(), Error>> + Send>,
    ) -> Box<
        dyn Future<Output = Result<(http::Response<WasiBody>, Box<dyn Future<Output = Result<(), Error>> + Send>)>>
            + Send,
    > {
        _ = fut;
        let allowed = self.allows(request.uri().host().unwrap_or_default());
        Box::new(async move {
            if !allowed {
                return Err(Error::HttpRequestDenied);
            }
            let (response, io) = wasmtime_wasi_http::default_send_request(request, options).await?;
            Ok((response.map(BodyExt::boxed_unsync), Box::new(io) as Box<dyn Future<Output = _> + Send>))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_match_exactly_or_as_subdomains() {
        let list = AllowList::for_program(Some(&["api.example.com".into(), "*.test.org".into(), "::1".into()]));
        assert!(list.allows("api.example.com") && list.allows("API.Example.com"));
        assert!(!list.allows("example.com") && !list.allows("api.example.com.evil.net"));
        assert!(list.allows("a.test.org") && list.allows("a.b.test.org") && !list.allows("test.org"));
        assert!(list.allows("[::1]"));
        assert!(AllowList::for_program(Some(&["".into()])).allows("anything"));
        assert!(AllowList::for_program(None).allows("anything"));
    }
}
