"""Adapter for Saleor 3.21+ (Django 5.2, graphene 2): the only place that imports saleor.*"""
