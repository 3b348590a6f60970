"""The client's own page (issue 17): staff give and revoke the link, the client reads
their coming sessions and meetings and answers them, staff read the answers. Reads
across clients, programmes, coaching and calendar; the links and answers themselves
are service/client_page's."""
