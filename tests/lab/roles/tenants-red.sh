# A node of tenant red (tenants.py): it holds red's key only, and knows
# blue's session id and client id. It attacks that session.
lab_plan 1
forge="python3 $MEMX_TREE/tests/lab/tools/rmapforge.py"
lab_wait blue-known 900
read -r session client_id </lab/blue.session
echo "blue's session $session, client id $client_id"
check "holding red's key, nothing of blue's session is read, written or ended" \
	$forge tenant eth0 "$(lab_mac srv)" "$(lab_mac dd)" "$session" "$client_id" /lab/red.key
lab_signal red-attacked

# Then red fills its share of the server's peer table with invented
# peers, kept alive while the driver domain's blue device works.
lab_wait flood-now 900
$forge tenant-flood eth0 "$(lab_mac srv)" /lab/red.key 200 240 &
flood=$!
lab_wait dd-io-done 300
kill $flood
# Killed, as meant: its status says so, and is not the role's.
wait $flood || :
