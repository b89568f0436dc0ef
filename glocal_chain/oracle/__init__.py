"""The delivery oracle (`glocal oracle run`): signed courier, locker and pickup-desk webhooks in, one
`confirmDelivery` transaction per shipped order out."""
