/**
 * The configuration both a real HAProxy and a fake are started from by the conformance suite.
 * `${dir}` is the scratch folder, `${port:NAME}` a free port.
 */
export const CONFORMANCE_CONFIG = `global
    stats socket \${dir}/admin.sock mode 600 level admin
    stats socket \${dir}/oper.sock mode 600 level operator
    stats socket \${dir}/user.sock mode 600 level user
    stats timeout 2m
    nbthread 2
    maxconn 2000
    description Conformance lab

defaults
    mode http
    timeout connect 2s
    timeout client 30s
    timeout server 30s

frontend fe_http
    bind 127.0.0.1:\${port:fe_http}
    acl blocked path_beg -f \${dir}/blocked.acl
    acl trusted src -f \${dir}/ips.acl
    http-request deny if blocked !trusted
    use_backend %[path,map_beg(\${dir}/routes.map,be_app)]
    default_backend be_app

frontend fe_tcp
    mode tcp
    option socket-stats
    bind 127.0.0.1:\${port:fe_tcp}
    bind 127.0.0.1:\${port:fe_tcp2} name tcp2
    default_backend be_tcp

backend be_app
    balance roundrobin
    server s1 127.0.0.1:\${port:li_stats} check inter 2s
    server s2 127.0.0.1:\${port:li_stats} check inter 2s weight 50
    server s3 127.0.0.1:8083
    server s4 127.0.0.1:8084 backup
    server s5 127.0.0.1:8085 disabled

backend be_api
    balance roundrobin
    stick-table type ip size 100k expire 30m store http_req_rate(10s),conn_cur,http_req_cnt
    http-request track-sc0 src
    server api1 127.0.0.1:8086
    server-template dyn 5 127.0.0.1:8090 disabled

backend be_tcp
    mode tcp
    balance leastconn
    server t1 127.0.0.1:8087 maxconn 30
    server t2 127.0.0.1:8088 weight 7

backend be_dyn
    balance roundrobin
    server d1 127.0.0.1:8081

backend st_shared
    stick-table type string len 64 size 1k expire 10m store gpc0,http_req_cnt

listen li_stats
    bind 127.0.0.1:\${port:li_stats}
    stats enable
    stats uri /stats
    server l1 127.0.0.1:8081
`;

/** The ACL and map files the configuration reads. */
export const CONFORMANCE_FILES: Record<string, string> = {
  'blocked.acl': '/admin\n/private\n',
  'ips.acl': '10.0.0.0/8\n192.168.1.1\n',
  'routes.map': '/api be_api\n/static be_app\n/tcp be_tcp\n',
};

/**
 * The stick-table lab: a table of each key type (`ip`, `ipv6`, `integer`, `string` with and without
 * `len`, `binary`) and one with array stores, all without `expire` so `exp=0` is exact.
 */
export const CONFORMANCE_TABLES_CONFIG = `global
    stats socket \${dir}/admin.sock mode 600 level admin
    stats socket \${dir}/oper.sock mode 600 level operator
    stats socket \${dir}/user.sock mode 600 level user
    stats timeout 2m

defaults
    mode http
    timeout connect 2s
    timeout client 30s
    timeout server 30s

frontend fe_tables
    bind 127.0.0.1:\${port:fe_tables}
    http-request return status 200

backend st_ip
    stick-table type ip size 1k store gpc0,http_req_cnt,server_id,bytes_in_cnt

backend st_ipv6
    stick-table type ipv6 size 1k store gpc0

backend st_int
    stick-table type integer size 1k store gpc0,gpt0,conn_rate(10s),bytes_out_cnt

backend st_str8
    stick-table type string len 8 size 1k store gpc0

backend st_str
    stick-table type string size 1k store gpc0

backend st_bin
    stick-table type binary size 1k store gpc0

backend st_arr
    stick-table type string size 1k store gpc(3),gpt(2),gpc_rate(2,10s),server_key

backend st_sname
    stick-table type string size 1k store server_name,gpc1,http_req_rate(1m)
`;
